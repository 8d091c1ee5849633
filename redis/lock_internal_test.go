package rediscache

import (
	"context"
	"testing"

	"github.com/cachetoolz/cachetoolz/internal/testserver"
	"github.com/redis/rueidis"
)

// The lock script run twice with one token, as TryLock does when the reply
// of the first run was lost with its connection, takes the lock the first
// time and finds it the caller's the second; another token finds it busy.
func TestTryLockScriptIsIdempotent(t *testing.T) {
	srv := testserver.Redis(t)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	k := newKeys(DefaultPrefix, "ns", 0)
	run := func(token string) int64 {
		t.Helper()
		arr, err := tryLockScript.Exec(context.Background(), client,
			[]string{k.gen(), k.entry("key")},
			[]string{k.lockPrefix(), k.wakePrefix(), "key", token, "60000"}).ToArray()
		if err != nil {
			t.Fatal(err)
		}
		code, err := arr[0].AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	if code := run("token-1"); code != 2 {
		t.Fatalf("first run: %d, want 2 (taken)", code)
	}
	if code := run("token-1"); code != 2 {
		t.Fatalf("second run with the same token: %d, want 2 (the caller's)", code)
	}
	if code := run("token-2"); code != 3 {
		t.Fatalf("run with another token: %d, want 3 (busy)", code)
	}
}
