package report

import (
	"bufio"
	"strings"
)

// CPUModel returns the first "model name" of a /proc/cpuinfo text, or "" when
// it has none (some architectures name the field differently).
func CPUModel(cpuinfo string) string {
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
