package otel_test

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz/otel"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
)

// scrape gets the exposition text of url, and parses it into the value of
// every series, keyed as name{label="value",...} without the labels of the
// instrumentation scope; a histogram gives name_count, name_sum and
// name_bucket series. It also returns the type of each family.
func scrape(t *testing.T, url string) (map[string]float64, map[string]dto.MetricType) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	types := map[string]dto.MetricType{}
	for name, f := range families {
		types[name] = f.GetType()
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				if strings.HasPrefix(l.GetName(), "otel_scope_") {
					if l.GetName() == "otel_scope_name" && l.GetValue() != otel.ScopeName {
						t.Errorf("%s has scope %q", name, l.GetValue())
					}
					continue
				}
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(labels)
			key := func(suffix string, extra ...string) string {
				return name + suffix + "{" + strings.Join(append(slices.Clone(labels), extra...), ",") + "}"
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				values[key("")] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				values[key("")] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				values[key("_count")] = float64(h.GetSampleCount())
				for _, b := range h.GetBucket() {
					values[key("_bucket", fmt.Sprintf("le=%q", strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64)))] = float64(b.GetCumulativeCount())
				}
			}
		}
	}
	return values, types
}

// The scripted sequence, as Prometheus scrapes it from the exporter.
func TestPrometheusScrape(t *testing.T) {
	registry := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry))
	if err != nil {
		t.Fatal(err)
	}
	s := &scripted{}
	s.setUp(t, exporter, nil)
	s.run(t)
	srv := httptest.NewServer(promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	defer srv.Close()
	values, types := scrape(t, srv.URL)

	wantTypes := map[string]dto.MetricType{
		"cachetoolz_hits_total":               dto.MetricType_COUNTER,
		"cachetoolz_misses_total":             dto.MetricType_COUNTER,
		"cachetoolz_loads_total":              dto.MetricType_COUNTER,
		"cachetoolz_errors_total":             dto.MetricType_COUNTER,
		"cachetoolz_mismatches_total":         dto.MetricType_COUNTER,
		"cachetoolz_evictions_total":          dto.MetricType_COUNTER,
		"cachetoolz_local_hits_total":         dto.MetricType_COUNTER,
		"cachetoolz_remote_hits_total":        dto.MetricType_COUNTER,
		"cachetoolz_invalidations_total":      dto.MetricType_COUNTER,
		"cachetoolz_stale_total":              dto.MetricType_COUNTER,
		"cachetoolz_refreshes_total":          dto.MetricType_COUNTER,
		"cachetoolz_breaker_open":             dto.MetricType_GAUGE,
		"cachetoolz_load_duration_seconds":    dto.MetricType_HISTOGRAM,
		"cachetoolz_load_errors_total":        dto.MetricType_COUNTER,
		"cachetoolz_backend_duration_seconds": dto.MetricType_HISTOGRAM,
		"cachetoolz_backend_errors_total":     dto.MetricType_COUNTER,
		"target_info":                         dto.MetricType_GAUGE,
	}
	for name, w := range wantTypes {
		if types[name] != w {
			t.Errorf("%s is a %v, want a %v", name, types[name], w)
		}
	}
	if len(types) != len(wantTypes) {
		t.Errorf("families %v, want %d", types, len(wantTypes))
	}

	// Everything but the buckets and target_info.
	got := map[string]float64{}
	for k, v := range values {
		if !strings.Contains(k, "_bucket{") && !strings.HasPrefix(k, "target_info") {
			got[k] = v
		}
	}
	const users, orders = `cachetoolz_namespace="users"`, `cachetoolz_namespace="orders"`
	want := map[string]float64{
		"cachetoolz_hits_total{" + users + "}":          1,
		"cachetoolz_misses_total{" + users + "}":        8,
		"cachetoolz_loads_total{" + users + "}":         8,
		"cachetoolz_errors_total{" + users + "}":        2,
		"cachetoolz_mismatches_total{" + users + "}":    1,
		"cachetoolz_evictions_total{" + users + "}":     0,
		"cachetoolz_local_hits_total{" + users + "}":    0,
		"cachetoolz_remote_hits_total{" + users + "}":   1,
		"cachetoolz_invalidations_total{" + users + "}": 0,
		"cachetoolz_stale_total{" + users + "}":         0,
		"cachetoolz_refreshes_total{" + users + "}":     0,
		"cachetoolz_breaker_open{" + users + "}":        1,

		"cachetoolz_hits_total{" + orders + "}":          0,
		"cachetoolz_misses_total{" + orders + "}":        0,
		"cachetoolz_loads_total{" + orders + "}":         0,
		"cachetoolz_errors_total{" + orders + "}":        0,
		"cachetoolz_mismatches_total{" + orders + "}":    0,
		"cachetoolz_evictions_total{" + orders + "}":     0,
		"cachetoolz_local_hits_total{" + orders + "}":    0,
		"cachetoolz_remote_hits_total{" + orders + "}":   0,
		"cachetoolz_invalidations_total{" + orders + "}": 0,
		"cachetoolz_stale_total{" + orders + "}":         0,
		"cachetoolz_refreshes_total{" + orders + "}":     0,
		"cachetoolz_breaker_open{" + orders + "}":        0,

		`cachetoolz_load_duration_seconds_count{` + users + `,cachetoolz_outcome="ok"}`:      6,
		`cachetoolz_load_duration_seconds_count{` + users + `,cachetoolz_outcome="error"}`:   1,
		`cachetoolz_load_duration_seconds_count{` + users + `,cachetoolz_outcome="aborted"}`: 1,
		`cachetoolz_load_errors_total{` + users + `,cachetoolz_outcome="error"}`:             1,
		`cachetoolz_load_errors_total{` + users + `,cachetoolz_outcome="aborted"}`:           1,

		`cachetoolz_backend_duration_seconds_count{` + users + `,cachetoolz_operation="get",cachetoolz_outcome="not_found"}`:            8,
		`cachetoolz_backend_duration_seconds_count{` + users + `,cachetoolz_operation="get",cachetoolz_outcome="ok"}`:                   3,
		`cachetoolz_backend_duration_seconds_count{` + users + `,cachetoolz_operation="get",cachetoolz_outcome="error"}`:                2,
		`cachetoolz_backend_duration_seconds_count{` + users + `,cachetoolz_operation="set",cachetoolz_outcome="ok"}`:                   3,
		`cachetoolz_backend_duration_seconds_count{` + users + `,cachetoolz_operation="clear",cachetoolz_outcome="ok"}`:                 1,
		`cachetoolz_backend_duration_seconds_count{` + orders + `,cachetoolz_operation="clear",cachetoolz_outcome="ok"}`:                1,
		`cachetoolz_backend_duration_seconds_count{cachetoolz_namespace="_other",cachetoolz_operation="clear",cachetoolz_outcome="ok"}`: 1,
		`cachetoolz_backend_errors_total{` + users + `,cachetoolz_operation="get",cachetoolz_outcome="error"}`:                          2,
	}
	if d := diff(got, want); d != "" {
		t.Fatalf("scraped:\n%s", d)
	}

	// A histogram's buckets are the configured boundaries, cumulative,
	// ending with every sample in +Inf.
	prefix := `cachetoolz_load_duration_seconds_bucket{` + users + `,cachetoolz_outcome="ok",le="`
	type bucket struct{ le, count float64 }
	var buckets []bucket
	for k, v := range values {
		if le, ok := strings.CutPrefix(k, prefix); ok {
			f, err := strconv.ParseFloat(strings.TrimSuffix(le, `"}`), 64)
			if err != nil {
				t.Fatal(err)
			}
			buckets = append(buckets, bucket{f, v})
		}
	}
	slices.SortFunc(buckets, func(a, b bucket) int { return cmp.Compare(a.le, b.le) })
	var les []float64
	for i, b := range buckets {
		les = append(les, b.le)
		if i > 0 && b.count < buckets[i-1].count {
			t.Errorf("bucket le=%v holds %v, fewer than the one before", b.le, b.count)
		}
	}
	if want := append(slices.Clone(otel.DefaultLoadBuckets), math.Inf(1)); !slices.Equal(les, want) {
		t.Errorf("bucket boundaries %v, want %v", les, want)
	}
	if n := len(buckets); n == 0 || buckets[n-1].count != 6 {
		t.Errorf("the +Inf bucket does not hold the 6 loads: %v", buckets)
	}
}
