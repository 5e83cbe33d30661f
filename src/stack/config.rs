//! Configuration from the environment, read once (sctpshim(7) documents every variable).
//!
//! A bad value of any `SCTPSHIM_*` variable is reported once on stderr and makes every SCTP
//! `socket()` fail with EINVAL; it never aborts the host program.

use crate::assoc::AssocConfig;
use std::ffi::OsString;
use std::time::Duration;

/// Socket buffers of a socket whose program sets none (SO_SNDBUF / SO_RCVBUF), both ways.
/// Linux's are 212992 bytes, enough for a kernel that acknowledges within the softirq that
/// delivered the data; our acknowledgements cross threads and processes, so a window that
/// small left the CPUs idle 40% of a loopback transfer (iperf3 -P 1: 6.2 Gbit/s; 10.3 with
/// 2 MiB, BENCHMARKS.md). Like Linux TCP's autotuned buffers, it costs memory only while data
/// is queued; a size the program sets is honoured as Linux does it (doubled).
pub const DEFAULT_BUF: u32 = 2 << 20;

/// How SCTP ports map onto UDP ports (RFC 6951 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortMode {
    /// An SCTP socket bound to port P uses UDP port P; remote SCTP port Q is UDP port Q.
    Mirror,
    /// One UDP socket on this port for the process, remote UDP port as given.
    Fixed { local: u16, remote: u16 },
}

/// Everything the runtime takes from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub disabled: bool,
    /// SCTPSHIM_WITHSCTP: TCP stream sockets become SCTP ones, as lksctp-tools' withsctp
    /// does (its own library finds socket() in libc past any preload, so it cannot be
    /// stacked on this one).
    pub with_sctp: bool,
    pub mode: PortMode,
    /// tracing-subscriber EnvFilter directives.
    pub log: Option<String>,
    pub log_file: Option<OsString>,
    pub pcap: Option<OsString>,
    /// Protocol defaults for new associations.
    pub assoc: AssocConfig,
}

/// A variable with a value we cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sctpshim: bad {}={:?}: {}",
            self.var, self.value, self.reason
        )
    }
}

impl Config {
    /// Read the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var_os(k))
    }

    /// Parse from any lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Result<Config, ConfigError> {
        let text = |var: &'static str| -> Result<Option<String>, ConfigError> {
            match get(var) {
                None => Ok(None),
                Some(v) => v.into_string().map(Some).map_err(|v| ConfigError {
                    var,
                    value: v.to_string_lossy().into_owned(),
                    reason: "not valid UTF-8",
                }),
            }
        };
        let num = |var: &'static str, min: u64, max: u64| -> Result<Option<u64>, ConfigError> {
            let Some(v) = text(var)? else { return Ok(None) };
            match v.trim().parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                Ok(_) => Err(ConfigError {
                    var,
                    value: v,
                    reason: "out of range",
                }),
                Err(_) => Err(ConfigError {
                    var,
                    value: v,
                    reason: "not a number",
                }),
            }
        };
        let disabled = match text("SCTPSHIM_DISABLE")?.as_deref() {
            None | Some("") | Some("0") => false,
            Some("1") => true,
            Some(v) => {
                return Err(ConfigError {
                    var: "SCTPSHIM_DISABLE",
                    value: v.into(),
                    reason: "expected 0 or 1",
                })
            }
        };
        let port = |var| num(var, 1, 65535).map(|o| o.map(|n| n as u16));
        let mode = match port("SCTPSHIM_UDP_PORT")? {
            Some(local) => PortMode::Fixed {
                local,
                remote: port("SCTPSHIM_REMOTE_UDP_PORT")?.unwrap_or(9899),
            },
            None => {
                // Validate it even when unused, so a typo is not silently ignored.
                port("SCTPSHIM_REMOTE_UDP_PORT")?;
                PortMode::Mirror
            }
        };
        let mut assoc = AssocConfig::default();
        let ms = |var, min, max| num(var, min, max).map(|o| o.map(Duration::from_millis));
        if let Some(d) = ms("SCTPSHIM_RTO_MIN", 1, 86_400_000)? {
            assoc.rto_min = d;
        }
        if let Some(d) = ms("SCTPSHIM_RTO_MAX", 1, 86_400_000)? {
            assoc.rto_max = d;
        }
        if let Some(d) = ms("SCTPSHIM_RTO_INITIAL", 1, 86_400_000)? {
            assoc.rto_initial = d;
        }
        if let Some(d) = ms("SCTPSHIM_HB_INTERVAL", 0, 86_400_000)? {
            assoc.hb_interval = d;
        }
        let count = |var| num(var, 0, 65535).map(|o| o.map(|n| n as u32));
        if let Some(n) = count("SCTPSHIM_PATH_MAX_RETRANS")? {
            assoc.path_max_retrans = n;
        }
        if let Some(n) = count("SCTPSHIM_ASSOCIATION_MAX_RETRANS")? {
            assoc.assoc_max_retrans = n.max(1);
        }
        if let Some(n) = count("SCTPSHIM_MAX_INIT_RETRANSMITS")? {
            assoc.max_init_retransmits = n;
        }
        // RFC 7829 as Linux's net.sctp.pf_retrans / ps_retrans / pf_enable / pf_expose.
        if let Some(n) = count("SCTPSHIM_PF_RETRANS")? {
            assoc.pf_retrans = n;
        }
        if let Some(n) = count("SCTPSHIM_PS_RETRANS")? {
            assoc.ps_retrans = n;
        }
        if let Some(n) = num("SCTPSHIM_PF_EXPOSE", 0, 2)? {
            assoc.pf_expose = crate::assoc::PfExpose::from_value(n as u32).unwrap_or_default();
        }
        let bytes = |var| num(var, 4096, 1 << 30).map(|o| o.map(|n| n as u32));
        assoc.sndbuf = bytes("SCTPSHIM_SNDBUF")?.unwrap_or(DEFAULT_BUF);
        assoc.rcvbuf = bytes("SCTPSHIM_RCVBUF")?.unwrap_or(DEFAULT_BUF);
        // Linux net.sctp.auth_enable / addip_enable (0 or 1; see stack/asconf.rs).
        let switch = |var| num(var, 0, 1).map(|o| o.map(|n| n == 1));
        // Linux net.sctp.intl_enable: whether SCTP_INTERLEAVING_SUPPORTED may be turned on.
        if let Some(on) = switch("SCTPSHIM_INTL_ENABLE")? {
            assoc.intl_supported = on;
        }
        // Linux net.sctp.ecn_enable: sockets offer ECN (RFC 9260 Appendix A).
        if let Some(on) = switch("SCTPSHIM_ECN_ENABLE")? {
            assoc.ecn_supported = on;
        }
        let with_sctp = switch("SCTPSHIM_WITHSCTP")?.unwrap_or(false);
        if let Some(on) = switch("SCTPSHIM_AUTH_ENABLE")? {
            assoc.auth_supported = on;
        }
        if let Some(on) = switch("SCTPSHIM_ADDIP_ENABLE")? {
            assoc.asconf_supported = on;
        }
        if let Some(on) = switch("SCTPSHIM_PF_ENABLE")? {
            assoc.pf_enable = on;
        }
        if let Some(on) = switch("SCTPSHIM_DEFAULT_AUTO_ASCONF")? {
            assoc.default_auto_asconf = on;
        }
        if assoc.pf_retrans > assoc.ps_retrans {
            return Err(ConfigError {
                var: "SCTPSHIM_PS_RETRANS",
                value: format!("{}", assoc.ps_retrans),
                reason: "smaller than SCTPSHIM_PF_RETRANS",
            });
        }
        // Linux net.sctp.reconf_enable (see stack/reconf.rs).
        if let Some(on) = switch("SCTPSHIM_RECONF_ENABLE")? {
            assoc.reconfig_supported = on;
        }
        if assoc.rto_min > assoc.rto_max || assoc.rto_initial > assoc.rto_max {
            return Err(ConfigError {
                var: "SCTPSHIM_RTO_MAX",
                value: format!("{}", assoc.rto_max.as_millis()),
                reason: "smaller than SCTPSHIM_RTO_MIN or SCTPSHIM_RTO_INITIAL",
            });
        }
        if let PortMode::Fixed { remote, .. } = mode {
            assoc.remote_udp_port = remote;
        }
        let os = |var: &str| get(var).filter(|v| !v.is_empty());
        let log = text("SCTPSHIM_LOG")?.filter(|s| !s.is_empty());
        if let Some(l) = &log {
            if tracing_subscriber::EnvFilter::try_new(l).is_err() {
                return Err(ConfigError {
                    var: "SCTPSHIM_LOG",
                    value: l.clone(),
                    reason: "not tracing-subscriber EnvFilter directives",
                });
            }
        }
        Ok(Config {
            disabled,
            with_sctp,
            mode,
            log,
            log_file: os("SCTPSHIM_LOG_FILE"),
            pcap: os("SCTPSHIM_PCAP"),
            assoc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_mirror_mode_and_linux_sysctls() {
        let c = parse(&[]).unwrap();
        assert!(!c.disabled);
        assert_eq!(c.mode, PortMode::Mirror);
        assert_eq!(c.assoc.rto_min, Duration::from_millis(1000));
        assert_eq!(c.assoc.max_init_retransmits, 8);
        assert!(c.log.is_none() && c.pcap.is_none());
    }

    #[test]
    fn fixed_mode_with_default_remote_port() {
        let c = parse(&[("SCTPSHIM_UDP_PORT", "9900")]).unwrap();
        assert_eq!(
            c.mode,
            PortMode::Fixed {
                local: 9900,
                remote: 9899
            }
        );
        assert_eq!(c.assoc.remote_udp_port, 9899);
        let c = parse(&[
            ("SCTPSHIM_UDP_PORT", "9900"),
            ("SCTPSHIM_REMOTE_UDP_PORT", "5000"),
        ])
        .unwrap();
        assert_eq!(
            c.mode,
            PortMode::Fixed {
                local: 9900,
                remote: 5000
            }
        );
    }

    #[test]
    fn protocol_defaults_are_read() {
        let c = parse(&[
            ("SCTPSHIM_RTO_MIN", "100"),
            ("SCTPSHIM_RTO_INITIAL", "200"),
            ("SCTPSHIM_HB_INTERVAL", "0"),
            ("SCTPSHIM_PATH_MAX_RETRANS", "2"),
            ("SCTPSHIM_SNDBUF", "65536"),
        ])
        .unwrap();
        assert_eq!(c.assoc.rto_min, Duration::from_millis(100));
        assert_eq!(c.assoc.rto_initial, Duration::from_millis(200));
        assert_eq!(c.assoc.hb_interval, Duration::ZERO);
        assert_eq!(c.assoc.path_max_retrans, 2);
        assert_eq!(c.assoc.sndbuf, 65536);
    }

    #[test]
    fn auth_and_addip_switches() {
        let c = parse(&[]).unwrap();
        assert!(!c.assoc.auth_supported && !c.assoc.asconf_supported);
        let c = parse(&[
            ("SCTPSHIM_AUTH_ENABLE", "1"),
            ("SCTPSHIM_ADDIP_ENABLE", "1"),
        ])
        .unwrap();
        assert!(c.assoc.auth_supported && c.assoc.asconf_supported);
        assert!(!c.assoc.default_auto_asconf);
        let c = parse(&[("SCTPSHIM_DEFAULT_AUTO_ASCONF", "1")]).unwrap();
        assert!(c.assoc.default_auto_asconf);
        assert!(!c.assoc.reconfig_supported);
        let c = parse(&[("SCTPSHIM_RECONF_ENABLE", "1")]).unwrap();
        assert!(c.assoc.reconfig_supported);
        assert!(!c.assoc.intl_supported);
        let c = parse(&[("SCTPSHIM_INTL_ENABLE", "1")]).unwrap();
        assert!(c.assoc.intl_supported);
        assert!(
            c.assoc.ecn_supported,
            "ECN on by default, as net.sctp.ecn_enable"
        );
        let c = parse(&[("SCTPSHIM_ECN_ENABLE", "0")]).unwrap();
        assert!(!c.assoc.ecn_supported);
        let e = parse(&[("SCTPSHIM_ECN_ENABLE", "yes")]).unwrap_err();
        assert_eq!(e.var, "SCTPSHIM_ECN_ENABLE");
        let e = parse(&[("SCTPSHIM_ADDIP_ENABLE", "2")]).unwrap_err();
        assert_eq!((e.var, e.reason), ("SCTPSHIM_ADDIP_ENABLE", "out of range"));
    }

    #[test]
    fn potentially_failed_settings() {
        let c = parse(&[]).unwrap();
        assert!(c.assoc.pf_enable);
        assert_eq!((c.assoc.pf_retrans, c.assoc.ps_retrans), (0, 0xffff));
        assert_eq!(c.assoc.pf_expose, crate::assoc::PfExpose::Unset);
        let c = parse(&[
            ("SCTPSHIM_PF_ENABLE", "0"),
            ("SCTPSHIM_PF_RETRANS", "2"),
            ("SCTPSHIM_PS_RETRANS", "3"),
            ("SCTPSHIM_PF_EXPOSE", "2"),
        ])
        .unwrap();
        assert!(!c.assoc.pf_enable);
        assert_eq!((c.assoc.pf_retrans, c.assoc.ps_retrans), (2, 3));
        assert_eq!(c.assoc.pf_expose, crate::assoc::PfExpose::Enable);
        let e = parse(&[("SCTPSHIM_PF_EXPOSE", "3")]).unwrap_err();
        assert_eq!(e.reason, "out of range");
        let e = parse(&[("SCTPSHIM_PF_RETRANS", "4"), ("SCTPSHIM_PS_RETRANS", "3")]).unwrap_err();
        assert_eq!(e.var, "SCTPSHIM_PS_RETRANS");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = parse(&[("SCTPSHIM_UDP_PORT", "70000")]).unwrap_err();
        assert_eq!((e.var, e.reason), ("SCTPSHIM_UDP_PORT", "out of range"));
        let e = parse(&[("SCTPSHIM_REMOTE_UDP_PORT", "x")]).unwrap_err();
        assert_eq!(
            (e.var, e.reason),
            ("SCTPSHIM_REMOTE_UDP_PORT", "not a number")
        );
        let e = parse(&[("SCTPSHIM_LOG", "sctpshim=loud")]).unwrap_err();
        assert_eq!(e.var, "SCTPSHIM_LOG");
        assert!(parse(&[("SCTPSHIM_LOG", "sctpshim::stack=trace,warn")]).is_ok());
        let e = parse(&[("SCTPSHIM_DISABLE", "yes")]).unwrap_err();
        assert_eq!(e.var, "SCTPSHIM_DISABLE");
        let e = parse(&[("SCTPSHIM_RTO_MIN", "5000"), ("SCTPSHIM_RTO_MAX", "1000")]).unwrap_err();
        assert_eq!(e.var, "SCTPSHIM_RTO_MAX");
        assert!(e.to_string().contains("SCTPSHIM_RTO_MAX"));
    }

    #[test]
    fn disable_switch() {
        assert!(parse(&[("SCTPSHIM_DISABLE", "1")]).unwrap().disabled);
        assert!(parse(&[("SCTPSHIM_WITHSCTP", "1")]).unwrap().with_sctp);
        assert!(!parse(&[]).unwrap().with_sctp);
        assert!(parse(&[("SCTPSHIM_WITHSCTP", "yes")]).is_err());
        assert!(!parse(&[("SCTPSHIM_DISABLE", "0")]).unwrap().disabled);
    }
}
