#!/usr/bin/env bash
# The peer side of scripts/bench/alerting.sh: Prometheus evaluating the same rule set (1,000
# alerting rules: avg/max/min/p95 over a window holding 10 samples, 1 in 10 over every device,
# the rest over one device) on the same 10,000 series (100 devices, in/out utilisation), scraped
# from a static exposition on loopback every 10 s. CPU per evaluation cycle = process CPU over
# 60 s of evaluations minus the CPU of the same run without rules, divided by the evaluations run
# (scheduled minus missed).
#
#   scripts/bench/alerting-prometheus.sh [rules] [series]
set -euo pipefail
cd "$(dirname "$0")/../.."
rules="${1:-1000}"
series="${2:-10000}"
command -v prometheus >/dev/null || { echo "prometheus is not installed (scripts/install-deps.sh)"; exit 1; }
WORK="$(mktemp -d /tmp/netmond-alerting-prom.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mkdir -p "$WORK/www"
python3 - "$WORK" "$rules" "$series" <<'PY'
import sys
work, rules, series = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
devices = 100
per_device = max(1, series // 2 // devices)
with open(f"{work}/www/metrics", "w") as out:
    for metric in ("if_in_utilization_percent", "if_out_utilization_percent"):
        out.write(f"# TYPE {metric} gauge\n")
        index = 0
        for d in range(devices):
            for i in range(1, per_device + 1):
                out.write(f'{metric}{{device="dev{d}",ifindex="{i}"}} {index % 80}\n')
                index += 1
functions = ["avg_over_time({s}[100s])", "max_over_time({s}[100s])", "min_over_time({s}[100s])",
             "quantile_over_time(0.95, {s}[100s])"]
with open(f"{work}/rules.yml", "w") as out:
    out.write("groups:\n  - name: bench\n    interval: 2s\n    rules:\n")
    for r in range(rules):
        metric = "if_in_utilization_percent" if r % 2 == 0 else "if_out_utilization_percent"
        selector = metric if r % 10 == 0 else f'{metric}{{device="dev{r % devices}"}}'
        expr = functions[r % 4].format(s=selector) + " > 95"
        out.write(f"      - alert: rule_{r}\n        expr: '{expr}'\n")
PY
WWW_PORT="$(free_port)"
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$WWW_PORT" >/dev/null 2>&1 &
PIDS+=($!)

metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v name="$2" '$1 == name || index($1, name"{") == 1 { sum += $2 } END { printf "%.6f\n", sum }'; }

# run WITH_RULES WARMUP MEASURE -> prints "cpu_seconds iterations"
run() {
  local with_rules="$1" warmup="$2" measure="$3" port data
  port="$(free_port)"
  data="$WORK/data-$with_rules"
  {
    echo "global:"
    echo "  scrape_interval: 10s"
    echo "  evaluation_interval: 2s"
    [ "$with_rules" = 1 ] && echo "rule_files: [$WORK/rules.yml]"
    echo "scrape_configs:"
    echo "  - job_name: bench"
    echo "    static_configs: [{targets: ['127.0.0.1:$WWW_PORT']}]"
  } > "$WORK/prometheus-$with_rules.yml"
  prometheus --config.file="$WORK/prometheus-$with_rules.yml" --storage.tsdb.path="$data" \
    --web.listen-address="127.0.0.1:$port" >"$WORK/prometheus-$with_rules.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  sleep "$warmup"
  local cpu0 it0 cpu1 it1 miss0 miss1
  cpu0="$(metric "$port" process_cpu_seconds_total)"
  it0="$(metric "$port" prometheus_rule_group_iterations_total)"
  miss0="$(metric "$port" prometheus_rule_group_iterations_missed_total)"
  local durations=()
  for _ in $(seq "$measure"); do
    sleep 1
    durations+=("$(metric "$port" prometheus_rule_group_last_duration_seconds)")
  done
  cpu1="$(metric "$port" process_cpu_seconds_total)"
  it1="$(metric "$port" prometheus_rule_group_iterations_total)"
  miss1="$(metric "$port" prometheus_rule_group_iterations_missed_total)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s\n' "${durations[@]}" > "$WORK/durations-$with_rules"
  # iterations_total counts scheduled evaluations, missed ones included.
  python3 -c "print($cpu1 - $cpu0, ($it1 - $it0) - ($miss1 - $miss0))"
}

read -r cpu_rules iterations < <(run 1 110 60)
read -r cpu_base _ < <(run 0 20 60)
python3 - "$cpu_rules" "$cpu_base" "$iterations" "$WORK/durations-1" <<'PY'
import sys, statistics
cpu_rules, cpu_base, iterations = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
durations = sorted(float(x) * 1000 for x in open(sys.argv[4]) if x.strip() and float(x) > 0)
p99 = durations[min(len(durations) - 1, int(0.99 * len(durations)))] if durations else float("nan")
per_cycle = (cpu_rules - cpu_base) * 1000 / iterations if iterations else float("nan")
print(f"prometheus: {iterations:.0f} rule-group evaluations run in 60 s; CPU ms per cycle (minus the no-rule run) "
      f"{per_cycle:.1f}; group evaluation wall ms median {statistics.median(durations) if durations else float('nan'):.1f} "
      f"p99 {p99:.1f}; process CPU {cpu_rules:.1f} s with rules, {cpu_base:.1f} s without")
PY
