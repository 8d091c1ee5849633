package testserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// RedisSentinel is a master redis-server watched by one Sentinel, both
// started by this package.
type RedisSentinel struct {
	// Master is the watched server.
	Master *RedisServer
	// Sentinel is the Sentinel process (a redis-server in sentinel mode).
	Sentinel *RedisServer
	// MasterSet is the name the Sentinel knows the master by.
	MasterSet string
}

// NewRedisSentinel starts a master and a Sentinel that monitors it under
// the name "cachetoolz", stopped when the test ends. Without redis-server it
// skips the test, or fails it under CI.
func NewRedisSentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	s, err := StartRedisSentinel()
	if err != nil {
		redisMissing(t, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// StartRedisSentinel starts a master and a Sentinel monitoring it, and
// waits until the Sentinel reports the master's address. The caller must
// Close it.
func StartRedisSentinel() (*RedisSentinel, error) {
	master, err := StartRedis(RedisOptions{})
	if err != nil {
		return nil, err
	}
	s := &RedisSentinel{Master: master, MasterSet: "cachetoolz"}
	dir, err := os.MkdirTemp("", "cachetoolz-sentinel-")
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("testserver: %w", err)
	}
	// Sentinel rewrites its configuration file, so it must have one.
	conf := filepath.Join(dir, "sentinel.conf")
	_, port, _ := net.SplitHostPort(master.Addr())
	body := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %s 1\nsentinel down-after-milliseconds %[1]s 1000\n", s.MasterSet, port)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("testserver: %w", err)
	}
	sentinel := &RedisServer{dir: dir, ownDir: true, confFile: conf, args: []string{"--sentinel"}}
	if err := startSentinel(sentinel); err != nil {
		_ = os.RemoveAll(dir)
		_ = s.Close()
		return nil, err
	}
	s.Sentinel = sentinel
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		reply, err := sentinel.Do(ctx, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.MasterSet)
		if addr, ok := reply.([]any); err == nil && ok && len(addr) == 2 && addr[1] == port {
			return s, nil
		}
		select {
		case <-ctx.Done():
			_ = s.Close()
			return nil, fmt.Errorf("testserver: the sentinel does not know its master: %v %v", reply, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startSentinel starts s on a free port; its configuration file comes
// first among the arguments, as redis-server requires.
func startSentinel(s *RedisServer) error {
	var err error
	for range 5 {
		if s.port, err = redisFreePort(); err != nil {
			return err
		}
		if err = s.start(); err == nil {
			return nil
		}
	}
	return err
}

// Addr returns the Sentinel's host:port.
func (s *RedisSentinel) Addr() string { return s.Sentinel.Addr() }

// URL returns a redis:// URL that reaches the master through the Sentinel.
func (s *RedisSentinel) URL() string {
	return "redis://" + s.Addr() + "/0?master_set=" + s.MasterSet
}

// Close stops the Sentinel and the master.
func (s *RedisSentinel) Close() error {
	if s.Sentinel != nil {
		_ = s.Sentinel.Close()
	}
	return s.Master.Close()
}
