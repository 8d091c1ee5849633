package report

import (
	"slices"
	"strings"
)

// Row is the median of every run of one benchmark.
type Row struct {
	// Backend, Scenario and Library split the name
	// Backend/Scenario.../Library; Scenario is empty for a two-part name and
	// joins the middle parts with "/" for a longer one.
	Backend, Scenario, Library string
	// Runs is how many result lines were folded into the row.
	Runs int
	// Procs is the GOMAXPROCS of the runs.
	Procs int
	// Median maps each unit to the median of its values over the runs.
	Median map[string]float64
	// Units lists the row's units in the order of the first run's line.
	Units []string
}

// Limit reports whether the row is a backend's limit: the bare store,
// marked by a library name ending in "-raw".
func (r Row) Limit() bool { return strings.HasSuffix(r.Library, "-raw") }

// Own reports whether the row measures cachetoolz itself.
func (r Row) Own() bool { return strings.HasPrefix(r.Library, "cachetoolz") }

// Peer reports whether the row measures another library.
func (r Row) Peer() bool { return !r.Limit() && !r.Own() }

// Summarize folds the runs of each benchmark into one Row, in the order in
// which each benchmark first appeared.
func Summarize(results []Result) []Row {
	var rows []Row
	index := map[string]int{}
	values := map[string]map[string][]float64{}
	for _, res := range results {
		i, ok := index[res.Name]
		if !ok {
			i = len(rows)
			index[res.Name] = i
			backend, scenario, library := splitName(res.Name)
			rows = append(rows, Row{
				Backend: backend, Scenario: scenario, Library: library,
				Procs: res.Procs, Median: map[string]float64{},
			})
			values[res.Name] = map[string][]float64{}
		}
		rows[i].Runs++
		for _, u := range orderedUnits(res.Metrics) {
			if !slices.Contains(rows[i].Units, u) {
				rows[i].Units = append(rows[i].Units, u)
			}
			values[res.Name][u] = append(values[res.Name][u], res.Metrics[u])
		}
	}
	for name, i := range index {
		for u, vs := range values[name] {
			rows[i].Median[u] = median(vs)
		}
	}
	return rows
}

// standardUnits are the units go test prints itself, in its order.
var standardUnits = []string{"ns/op", "B/op", "allocs/op"}

// orderedUnits lists a result's units: the standard ones first, then the
// others sorted by name.
func orderedUnits(m map[string]float64) []string {
	var us []string
	for _, u := range standardUnits {
		if _, ok := m[u]; ok {
			us = append(us, u)
		}
	}
	var rest []string
	for u := range m {
		if !slices.Contains(standardUnits, u) {
			rest = append(rest, u)
		}
	}
	slices.Sort(rest)
	return append(us, rest...)
}

// splitName splits "Backend/scenario/library".
func splitName(name string) (backend, scenario, library string) {
	parts := strings.Split(name, "/")
	switch len(parts) {
	case 1:
		return parts[0], "", ""
	case 2:
		return parts[0], "", parts[1]
	default:
		return parts[0], strings.Join(parts[1:len(parts)-1], "/"), parts[len(parts)-1]
	}
}

// median returns the median of vs, the mean of the middle two for an even
// count.
func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
