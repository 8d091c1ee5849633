//go:build !race

package pykey_test

const raceEnabled = false
