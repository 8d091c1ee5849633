package main

import (
	"testing"
	"time"

	"github.com/cachetoolz/cachetoolz"
)

func TestQuoteName(t *testing.T) {
	for in, want := range map[string]string{
		"plain-name:1": "plain-name:1",
		"üñí":          "üñí",
		"":             `""`,
		"a b":          `"a b"`,
		"nul\x00":      `"nul\x00"`,
		"\xff":         `"\xff"`,
		"esc\x1b[31m":  `"esc\x1b[31m"`,
		`quote"`:       `"quote\""`,
		"nbsp\u00a0":   `"nbsp\u00a0"`,
		"rtl\u202e":    `"rtl\u202e"`,
	} {
		if got := quoteName(in); got != want {
			t.Errorf("quoteName(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{formatTTL(cachetoolz.NoExpiry), "never"},
		{formatTTL(0), "expired"},
		{formatTTL(1500 * time.Microsecond), "2ms"},
		{formatTTL(90*time.Minute + 400*time.Millisecond), "1h30m0s"},
		{formatBytes(-1), "?"},
		{formatBytes(1023), "1023 B"},
		{formatBytes(1536), "1.5 KiB"},
		{formatBytes(3 << 30), "3.0 GiB"},
		{formatCount(-1), "?"},
		{formatLatency(1234567 * time.Nanosecond), "1.23ms"},
		{formatLatency(123 * time.Nanosecond), "123ns"},
		{hitRatio(0, 0), "-"},
		{hitRatio(0, 5), "0%"},
		{hitRatio(5, 5), "100%"},
		{hitRatio(99999, 100000), "99.99%"},
		{hitRatio(1, 100000), "0.01%"},
		{hitRatio(1, 3), "33.33%"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
