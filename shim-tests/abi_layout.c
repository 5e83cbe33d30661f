/* Prints the layout of the Linux SCTP ABI as the system headers define it, for
 * tests/abi_layout.rs, which compares it with the Rust mirror in src/abi/.
 *
 * The list of structs, fields and constants is not written here: the Rust test generates
 * abi_layout.inc from its own list (one list, so the two sides cannot drift) and compiles this
 * file with -I pointing at it. Output lines:
 *   S <rust name> <sizeof> <alignof>
 *   F <rust name> <field> <offsetof> <sizeof field, 0 for a flexible array>
 *   C <constant> <value>
 */
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#define STRUCT(rust, T) printf("S %s %zu %zu\n", rust, sizeof(T), _Alignof(T));
#define FIELD(rust, T, f) printf("F %s %s %zu %zu\n", rust, #f, offsetof(T, f), sizeof(((T *)0)->f));
#define FLEX(rust, T, f) printf("F %s %s %zu 0\n", rust, #f, offsetof(T, f));
#define CONST(name) printf("C %s %lld\n", #name, (long long)(name));

int main(void)
{
#include "abi_layout.inc"
	return 0;
}
