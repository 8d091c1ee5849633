package cachetoolz

import "testing"

// WithoutControls runs the rest of t as in a program none of whose calls
// has carried a control: the flag that the first control sets for good
// (and that sends every lookup the long way) is clear until t ends. Tests
// of the package do not run in parallel.
func WithoutControls(t testing.TB) {
	was := controlsUsed.Load()
	controlsUsed.Store(false)
	t.Cleanup(func() { controlsUsed.Store(was) })
}
