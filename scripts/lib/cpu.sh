# Sourced by the measurement scripts (scripts/peers.sh, scripts/kafka-ceiling.sh).

# CPU seconds the process $1 has used so far (user + system), from /proc.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
