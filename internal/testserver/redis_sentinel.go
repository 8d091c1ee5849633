package testserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RedisSentinel is a master redis-server, its replicas, and one Sentinel
// watching them, all started by this package.
type RedisSentinel struct {
	// Master is the server that was master when the group started.
	Master *RedisServer
	// Replicas replicate Master; the Sentinel promotes one if Master dies.
	Replicas []*RedisServer
	// Sentinel is the Sentinel process (a redis-server in sentinel mode).
	Sentinel *RedisServer
	// MasterSet is the name the Sentinel knows the master by.
	MasterSet string
}

// NewRedisSentinel starts a master with the given number of replicas and a
// Sentinel that monitors them under the name "cachetoolz" (quorum 1, master
// down after one second), stopped when the test ends. Without redis-server
// it skips the test, or fails it under CI.
func NewRedisSentinel(t testing.TB, replicas int) *RedisSentinel {
	t.Helper()
	s, err := StartRedisSentinel(replicas)
	if err != nil {
		redisMissing(t, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// StartRedisSentinel starts a master, its replicas (waiting until they are
// in sync) and a Sentinel monitoring them, and waits until the Sentinel
// reports the master's address. The caller must Close it.
func StartRedisSentinel(replicas int) (*RedisSentinel, error) {
	master, err := StartRedis(RedisOptions{Args: []string{"--repl-diskless-sync-delay", "0"}})
	if err != nil {
		return nil, err
	}
	s := &RedisSentinel{Master: master, MasterSet: "cachetoolz"}
	_, port, _ := net.SplitHostPort(master.Addr())
	for range replicas {
		r, err := StartRedis(RedisOptions{Args: []string{"--replicaof", "127.0.0.1", port}})
		if err != nil {
			_ = s.Close()
			return nil, err
		}
		s.Replicas = append(s.Replicas, r)
	}
	if err := s.waitReplicas(); err != nil {
		_ = s.Close()
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cachetoolz-sentinel-")
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("testserver: %w", err)
	}
	// Sentinel rewrites its configuration file, so it must have one.
	conf := filepath.Join(dir, "sentinel.conf")
	body := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %s 1\n"+
		"sentinel down-after-milliseconds %[1]s 1000\n"+
		"sentinel failover-timeout %[1]s 5000\n", s.MasterSet, port)
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

// waitReplicas waits until the master reports every replica online.
func (s *RedisSentinel) waitReplicas() error {
	if len(s.Replicas) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	want := fmt.Sprintf("connected_slaves:%d", len(s.Replicas))
	for {
		reply, err := s.Master.Do(ctx, "INFO", "replication")
		if info, ok := reply.(string); err == nil && ok && strings.Contains(info, want) &&
			strings.Count(info, "state=online") == len(s.Replicas) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("testserver: replicas not in sync: %v %v", reply, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// MasterAddr asks the Sentinel for the current master's host:port.
func (s *RedisSentinel) MasterAddr(ctx context.Context) (string, error) {
	reply, err := s.Sentinel.Do(ctx, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.MasterSet)
	if err != nil {
		return "", err
	}
	addr, ok := reply.([]any)
	if !ok || len(addr) != 2 {
		return "", fmt.Errorf("testserver: unexpected reply %v", reply)
	}
	host, _ := addr[0].(string)
	port, _ := addr[1].(string)
	return net.JoinHostPort(host, port), nil
}

// Close stops the Sentinel, the replicas and the master.
func (s *RedisSentinel) Close() error {
	if s.Sentinel != nil {
		_ = s.Sentinel.Close()
	}
	for _, r := range s.Replicas {
		_ = r.Close()
	}
	return s.Master.Close()
}
