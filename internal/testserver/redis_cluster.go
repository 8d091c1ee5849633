package testserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RedisCluster is a Redis Cluster of masters started by this package, or an
// external one named by CACHETOOLZ_TEST_REDIS_CLUSTER.
type RedisCluster struct {
	external bool
	addrs    []string
	nodes    []*RedisServer
}

// NewRedisCluster returns a running 3-master Redis Cluster for the test: the
// one named by CACHETOOLZ_TEST_REDIS_CLUSTER, or new redis-server processes
// stopped when the test ends. Without redis-server it skips the test, or
// fails it under CI.
func NewRedisCluster(t testing.TB) *RedisCluster {
	t.Helper()
	if env := os.Getenv(RedisClusterEnv); env != "" {
		return &RedisCluster{external: true, addrs: strings.Split(env, ",")}
	}
	c, err := StartRedisCluster(3)
	if err != nil {
		redisMissing(t, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// StartRedisCluster starts masters redis-server processes with cluster mode
// on, joins them with redis-cli --cluster create, and waits until every node
// reports the cluster as ok. The caller must Close it.
func StartRedisCluster(masters int) (*RedisCluster, error) {
	if _, err := exec.LookPath("redis-cli"); err != nil {
		return nil, ErrRedisMissing
	}
	c := &RedisCluster{}
	for range masters {
		bus, err := redisFreePort()
		if err != nil {
			_ = c.Close()
			return nil, err
		}
		s, err := StartRedis(RedisOptions{Args: []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-port", strconv.Itoa(bus),
			"--cluster-node-timeout", "2000",
		}})
		if err != nil {
			_ = c.Close()
			return nil, err
		}
		c.nodes = append(c.nodes, s)
		c.addrs = append(c.addrs, s.Addr())
	}
	args := append([]string{"--cluster", "create"}, c.addrs...)
	args = append(args, "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("testserver: redis-cli --cluster create: %w\n%s", err, out)
	}
	if err := c.waitOK(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// waitOK polls CLUSTER INFO on every node until each reports cluster_state:ok
// and knows every slot.
func (c *RedisCluster) waitOK(ctx context.Context) error {
	for _, n := range c.nodes {
		for {
			reply, err := n.Do(ctx, "CLUSTER", "INFO")
			if info, ok := reply.(string); err == nil && ok &&
				strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_slots_ok:16384") {
				break
			}
			select {
			case <-ctx.Done():
				return errors.New("testserver: the cluster did not become ok")
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// Addrs returns the host:port of every master.
func (c *RedisCluster) Addrs() []string { return append([]string(nil), c.addrs...) }

// Nodes returns the processes of the cluster, or nil for an external one.
func (c *RedisCluster) Nodes() []*RedisServer { return c.nodes }

// External reports whether the cluster was named by the environment.
func (c *RedisCluster) External() bool { return c.external }

// Close stops every node and removes their directories.
func (c *RedisCluster) Close() error {
	var errs []error
	for _, n := range c.nodes {
		errs = append(errs, n.Close())
	}
	return errors.Join(errs...)
}
