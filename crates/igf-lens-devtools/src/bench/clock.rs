//! Measuring a phase from the inside: CPU time of the process, of a thread and of the child
//! processes waited for, peak resident memory, pinning to cores, percentiles of latency
//! samples, and the machine's CPU model.
//!
//! Input: nothing but the running process (`/proc/self/stat`, `/proc/self/status`, the thread
//! CPU clock, `getrusage`, the affinity mask, `/proc/cpuinfo`; Linux, with neutral answers
//! elsewhere). Output: durations, megabytes, a name. Knows nothing of igf-lens.

use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Restricts this process (and the threads it starts afterwards) to its first `cores` allowed
/// CPUs, so a phase with N threads gets N cores, tantivy's own helper threads (docstore
/// compression, merges) included. Returns the CPUs kept, or `None` when nothing was changed
/// (already at most `cores` CPUs, or not supported on this system).
pub fn pin_to_cores(cores: usize) -> Option<Vec<usize>> {
    #[cfg(target_os = "linux")]
    {
        use nix::sched::{sched_getaffinity, sched_setaffinity, CpuSet};
        use nix::unistd::Pid;
        let allowed = sched_getaffinity(Pid::from_raw(0)).ok()?;
        let cpus: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| allowed.is_set(c).unwrap_or(false))
            .collect();
        if cpus.len() <= cores.max(1) {
            return None;
        }
        let keep: Vec<usize> = cpus[..cores.max(1)].to_vec();
        let mut set = CpuSet::new();
        for &c in &keep {
            set.set(c).ok()?;
        }
        sched_setaffinity(Pid::from_raw(0), &set).ok()?;
        Some(keep)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cores;
        None
    }
}

/// The `q`-quantile (0–1) of `samples` by the nearest-rank method (0 when empty).
pub fn percentile(samples: &mut [f64], q: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(f64::total_cmp);
    let rank = (q * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// CPU time of this process so far (all threads, user + system), from `/proc/self/stat`
/// (Linux; zero elsewhere). Resolution: one clock tick, 10 ms.
pub fn process_cpu() -> Duration {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| parse_stat_cpu(&s))
        .unwrap_or_default()
}

/// CPU time the calling thread has run so far (`CLOCK_THREAD_CPUTIME_ID`, Linux); `None`
/// elsewhere.
pub fn thread_cpu() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        use nix::time::{clock_gettime, ClockId};
        let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).ok()?;
        let secs = u64::try_from(t.tv_sec()).ok()?;
        let nanos = u32::try_from(t.tv_nsec()).ok()?;
        Some(Duration::new(secs, nanos))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Runs `work` on slices of `per` items in parallel; returns each slice's result and the CPU
/// time the worker threads spent in `work` (its wall time when thread CPU cannot be read).
pub(crate) fn timed_par<T: Sync, R: Send>(
    items: &[T],
    per: usize,
    work: impl Fn(&[T]) -> R + Sync,
) -> (Vec<R>, Duration) {
    let timed: Vec<(R, Duration)> = items
        .par_chunks(per.max(1))
        .map(|slice| {
            let (cpu, wall) = (thread_cpu(), Instant::now());
            let r = work(slice);
            let spent = match (cpu, thread_cpu()) {
                (Some(a), Some(b)) => b.saturating_sub(a),
                _ => wall.elapsed(),
            };
            (r, spent)
        })
        .collect();
    let total = timed.iter().map(|(_, d)| *d).sum();
    (timed.into_iter().map(|(r, _)| r).collect(), total)
}

fn parse_stat_cpu(stat: &str) -> Option<Duration> {
    // Fields after the command name (which may hold spaces, hence the last ')'): state is
    // field 3, utime 14 and stime 15, in clock ticks (100 per second on Linux).
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// What the child processes waited for so far used, from `getrusage(RUSAGE_CHILDREN)`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChildrenUsage {
    /// User + system CPU time of all of them.
    pub cpu: Duration,
    /// The largest peak resident memory of any one of them, in MB.
    pub max_rss_mb: Option<f64>,
}

/// CPU time and peak memory of the child processes waited for so far (Linux; empty elsewhere).
pub fn children_usage() -> ChildrenUsage {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::resource::{getrusage, UsageWho};
        let Ok(u) = getrusage(UsageWho::RUSAGE_CHILDREN) else {
            return ChildrenUsage::default();
        };
        let time = |t: nix::sys::time::TimeVal| {
            let micros = t.tv_sec() as i128 * 1_000_000 + i128::from(t.tv_usec());
            Duration::from_micros(u64::try_from(micros).unwrap_or(0))
        };
        let rss_kb = u.max_rss();
        ChildrenUsage {
            cpu: time(u.user_time()) + time(u.system_time()),
            max_rss_mb: (rss_kb > 0).then(|| rss_kb as f64 * 1024.0 / 1e6),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        ChildrenUsage::default()
    }
}

/// The CPU model of this machine (`model name` in `/proc/cpuinfo`), or `unknown`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| parse_cpu_model(&s))
        .unwrap_or_else(|| "unknown".into())
}

fn parse_cpu_model(cpuinfo: &str) -> Option<String> {
    let line = cpuinfo.lines().find(|l| l.starts_with("model name"))?;
    let name = line
        .split_once(':')?
        .1
        .split_whitespace()
        .collect::<Vec<_>>();
    (!name.is_empty()).then(|| name.join(" "))
}

/// Wall-clock and CPU time of a timed section.
pub(crate) struct Clock {
    wall: Instant,
    cpu: Duration,
}

impl Clock {
    pub(crate) fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: process_cpu(),
        }
    }
    /// (wall, cpu) since start.
    pub(crate) fn stop(&self) -> (Duration, Duration) {
        (self.wall.elapsed(), process_cpu().saturating_sub(self.cpu))
    }
}

/// The process's peak resident memory in MB, from `VmHWM` in `/proc/self/status` (Linux only).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_uses_nearest_rank() {
        let mut v: Vec<f64> = (1..=20).map(f64::from).collect();
        let cases = [(0.5, 10.0), (0.95, 19.0), (1.0, 20.0), (0.0, 1.0)];
        for (q, want) in cases {
            assert_eq!(percentile(&mut v, q), want, "q={q}");
        }
        assert_eq!(percentile(&mut [], 0.5), 0.0);
    }

    #[test]
    fn vm_hwm_is_read_in_megabytes() {
        let status = "Name:\tigf-lens\nVmPeak:\t  300000 kB\nVmHWM:\t   102400 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(104.8576));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }

    #[test]
    fn thread_cpu_moves_with_work_on_this_thread() {
        if cfg!(target_os = "linux") {
            let a = thread_cpu().expect("thread CPU clock on Linux");
            let mut x = 0u64;
            for i in 0..3_000_000u64 {
                x = x.wrapping_mul(31).wrapping_add(std::hint::black_box(i));
            }
            std::hint::black_box(x);
            let b = thread_cpu().expect("thread CPU clock on Linux");
            assert!(b > a, "{a:?} then {b:?}");
        }
    }

    #[test]
    fn timed_par_returns_results_in_order() {
        let items: Vec<u64> = (0..100).collect();
        let (sums, _) = timed_par(&items, 7, |s| s.iter().sum::<u64>());
        assert_eq!(sums.len(), 15);
        assert_eq!(sums.iter().sum::<u64>(), 4950);
        assert_eq!(sums[0], (0..7).sum::<u64>());
    }

    #[test]
    fn cpu_model_is_the_first_model_name() {
        let info =
            "processor\t: 0\nmodel name\t: AMD  EPYC 7B13\nprocessor\t: 1\nmodel name\t: other\n";
        assert_eq!(parse_cpu_model(info).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(parse_cpu_model("processor: 0\n"), None);
        assert!(!cpu_model().is_empty());
    }

    #[test]
    fn children_usage_counts_a_waited_child() {
        if cfg!(target_os = "linux") {
            let status = std::process::Command::new("sh")
                .args(["-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"])
                .status()
                .expect("sh");
            assert!(status.success());
            let u = children_usage();
            assert!(u.max_rss_mb.is_some_and(|m| m > 0.0), "{u:?}");
        }
    }

    #[test]
    fn stat_cpu_sums_user_and_system_ticks() {
        let stat = "4242 (igf lens) R 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(parse_stat_cpu(stat), Some(Duration::from_millis(3000)));
        assert_eq!(parse_stat_cpu("garbage"), None);
    }
}
