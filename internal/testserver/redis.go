// Package testserver starts the servers that integration tests need: real
// redis-server processes on free loopback ports, and helpers around them.
//
// The helpers come in two shapes: ones that take a testing.TB and stop what
// they started through t.Cleanup (Redis, RedisCluster), and ones that return
// the server with a Close method, for a TestMain (StartRedis,
// StartRedisCluster).
//
// Environment overrides: CACHETOOLZ_TEST_REDIS_URL names a standalone server
// and CACHETOOLZ_TEST_REDIS_CLUSTER a comma-separated list of cluster
// host:port addresses; when set, nothing is started and the server is
// marked external (it cannot be killed or restarted). When redis-server is
// missing the TB helpers skip the test, or fail it under CI=true.
package testserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Environment variables that name servers the tests use instead of starting
// their own.
const (
	RedisURLEnv     = "CACHETOOLZ_TEST_REDIS_URL"
	RedisClusterEnv = "CACHETOOLZ_TEST_REDIS_CLUSTER"
)

// ErrRedisMissing reports that redis-server (or redis-cli) is not installed.
var ErrRedisMissing = errors.New("testserver: redis-server not found in PATH")

// RedisOptions configures a redis-server started by StartRedis. The zero
// value starts a plain server on a free loopback port.
type RedisOptions struct {
	// Password, when set, is required from clients (requirepass).
	Password string
	// TLS, when set, adds a TLS port served with these files, beside the
	// plain port (which the helpers use to check readiness).
	TLS *RedisTLS
	// Unix, when true, adds a unix socket in the server's directory.
	Unix bool
	// Args are extra redis-server arguments, such as "--maxmemory", "10mb".
	Args []string
}

// RedisTLS names the PEM files of a TLS listener.
type RedisTLS struct {
	CertFile, KeyFile, CAFile string
}

// RedisServer is a redis-server process started by this package, or an
// external server named by CACHETOOLZ_TEST_REDIS_URL.
type RedisServer struct {
	mu       sync.Mutex
	external bool
	url      string
	port     int
	tlsPort  int
	dir      string
	ownDir   bool
	args     []string
	confFile string // first argument when set (Sentinel needs a file)
	password string
	unix     string
	cmd      *exec.Cmd
	exited   chan struct{}
}

// Redis returns a running standalone server for the test: the one named by
// CACHETOOLZ_TEST_REDIS_URL, or a new redis-server process stopped when the
// test ends. Without redis-server it skips the test, or fails it under CI.
func Redis(t testing.TB) *RedisServer {
	t.Helper()
	if u := os.Getenv(RedisURLEnv); u != "" {
		return &RedisServer{external: true, url: u}
	}
	return RedisWith(t, RedisOptions{})
}

// RedisWith starts a new redis-server process with opts for the test, never
// using the environment override. Without redis-server it skips the test, or
// fails it under CI.
func RedisWith(t testing.TB, opts RedisOptions) *RedisServer {
	t.Helper()
	s, err := StartRedis(opts)
	if err != nil {
		redisMissing(t, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// redisMissing skips or fails the test for a server that could not start.
func redisMissing(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrRedisMissing) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	t.Fatal(err)
}

// StartRedis starts a redis-server process on a free loopback port, with no
// persistence, in a temporary directory, and waits until it answers PING.
// The caller must Close it.
func StartRedis(opts RedisOptions) (*RedisServer, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, ErrRedisMissing
	}
	dir, err := os.MkdirTemp("", "cachetoolz-redis-")
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	s := &RedisServer{dir: dir, ownDir: true, password: opts.Password}
	s.args = append(s.args, "--dir", dir)
	if opts.Password != "" {
		s.args = append(s.args, "--requirepass", opts.Password)
	}
	if opts.Unix {
		s.unix = filepath.Join(dir, "redis.sock")
		s.args = append(s.args, "--unixsocket", s.unix, "--unixsocketperm", "700")
	}
	if opts.TLS != nil {
		s.args = append(s.args,
			"--tls-cert-file", opts.TLS.CertFile,
			"--tls-key-file", opts.TLS.KeyFile,
			"--tls-ca-cert-file", opts.TLS.CAFile,
			"--tls-auth-clients", "no")
	}
	s.args = append(s.args, opts.Args...)
	var lastErr error
	for range 5 { // a free port can be taken between the check and the bind
		s.port, err = redisFreePort()
		if err != nil {
			return nil, err
		}
		if opts.TLS != nil {
			if s.tlsPort, err = redisFreePort(); err != nil {
				return nil, err
			}
		}
		if lastErr = s.start(); lastErr == nil {
			return s, nil
		}
	}
	_ = os.RemoveAll(dir)
	return nil, lastErr
}

// Addr returns the server's plain host:port.
func (s *RedisServer) Addr() string {
	if s.external {
		if u, err := url.Parse(s.url); err == nil {
			return u.Host
		}
		return ""
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// TLSAddr returns the TLS host:port, or "" without TLS.
func (s *RedisServer) TLSAddr() string {
	if s.tlsPort == 0 {
		return ""
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tlsPort))
}

// UnixSocket returns the path of the unix socket, or "" without one.
func (s *RedisServer) UnixSocket() string { return s.unix }

// URL returns a redis:// URL for the server (with the password, if any).
func (s *RedisServer) URL() string {
	if s.external {
		return s.url
	}
	if s.password != "" {
		return "redis://:" + s.password + "@" + s.Addr() + "/0"
	}
	return "redis://" + s.Addr() + "/0"
}

// External reports whether the server was named by the environment rather
// than started here; an external server cannot be killed or restarted.
func (s *RedisServer) External() bool { return s.external }

// Kill stops the server abruptly (SIGKILL) and waits for it to exit.
func (s *RedisServer) Kill() error {
	if s.external {
		return errors.New("testserver: cannot kill an external server")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.killLocked()
}

func (s *RedisServer) killLocked() error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
	return nil
}

// Pause stops the server process (SIGSTOP) without closing its sockets, so
// clients see a server that accepts but never answers; Resume continues it.
func (s *RedisServer) Pause() error { return s.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *RedisServer) Resume() error { return s.signal(syscall.SIGCONT) }

func (s *RedisServer) signal(sig os.Signal) error {
	if s.external {
		return errors.New("testserver: cannot signal an external server")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("testserver: server not running")
	}
	return s.cmd.Process.Signal(sig)
}

// Restart starts a killed server again on the same port, empty (nothing is
// persisted), and waits until it answers.
func (s *RedisServer) Restart() error {
	if s.external {
		return errors.New("testserver: cannot restart an external server")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.killLocked(); err != nil {
		return err
	}
	var err error
	for range 50 { // the old socket may linger for a moment
		if err = s.startLocked(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// Close stops the server and removes its directory. Closing an external
// server does nothing.
func (s *RedisServer) Close() error {
	if s.external {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.killLocked()
	if s.ownDir {
		_ = os.RemoveAll(s.dir)
		s.ownDir = false
	}
	return err
}

// Do sends one command to the server over its plain port and returns the
// reply (string, int64, nil, []any) or the server's error.
func (s *RedisServer) Do(ctx context.Context, args ...string) (any, error) {
	return redisDo(ctx, s.Addr(), s.password, args...)
}

func (s *RedisServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startLocked()
}

func (s *RedisServer) startLocked() error {
	var args []string
	if s.confFile != "" {
		args = append(args, s.confFile)
	}
	args = append(args,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--logfile", filepath.Join(s.dir, "redis.log"),
	)
	if s.tlsPort != 0 {
		args = append(args, "--tls-port", strconv.Itoa(s.tlsPort))
	}
	args = append(args, s.args...)
	cmd := exec.Command("redis-server", args...)
	cmd.Dir = s.dir
	redisDieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testserver: starting redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	if err := waitRedis(s.Addr(), s.password, exited); err != nil {
		_ = s.killLocked()
		log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
		return fmt.Errorf("testserver: redis-server on port %d: %w\n%s", s.port, err, redisLogTail(log))
	}
	return nil
}

// waitRedis polls addr with PING until it answers, the process exits, or
// ten seconds pass.
func waitRedis(addr, password string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := redisDo(ctx, addr, password, "PING")
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not answering: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func redisLogTail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// redisFreePort returns a loopback TCP port that was free a moment ago.
func redisFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testserver: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
