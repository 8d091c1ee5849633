// Package seedpy is what the tests that exchange values with the seed's
// Python code share: Debian's python3, and the user type that
// codec/testdata/seedwire.py registers under the name "money".
package seedpy

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cachetoolz/cachetoolz/codec"
)

// Path is Debian's python3, which the tests run isolated (-I) so that
// nothing installed by hand reaches them.
const Path = "/usr/bin/python3"

// Python returns Path once it has checked that it runs and imports every
// module in imports (Debian's packages, such as python3-redis for
// "redis"). Under CI=true a missing one fails t; otherwise t is skipped.
func Python(t testing.TB, imports ...string) string {
	t.Helper()
	script := "pass"
	if len(imports) > 0 {
		script = "import " + strings.Join(imports, ", ")
	}
	if err := exec.Command(Path, "-I", "-c", script).Run(); err != nil {
		msg := fmt.Sprintf("%s with %q is needed (Debian's python3 and python3-<module> packages): %v", Path, script, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return Path
}

// Money is the user type of seedwire.py: exchanged as
// {"__val": [cents, currency], "__decoder": "money"}.
type Money struct {
	Cents    int64
	Currency string
}

// Codec returns a new codec.Python with Money registered as seedwire.py
// registers it.
func Codec(t testing.TB) *codec.PythonCodec {
	t.Helper()
	p := codec.NewPython()
	err := codec.RegisterPython(p, "money",
		func(m Money) ([]any, error) { return []any{m.Cents, m.Currency}, nil },
		func(r []any) (Money, error) {
			if len(r) != 2 {
				return Money{}, fmt.Errorf("want [cents, currency], got %v", r)
			}
			c, ok1 := r[0].(int64)
			s, ok2 := r[1].(string)
			if !ok1 || !ok2 {
				return Money{}, fmt.Errorf("want [cents, currency], got %v", r)
			}
			return Money{c, s}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
