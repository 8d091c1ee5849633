package testserver

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Environment variables for the MongoDB-wire test server.
const (
	// MongoURIEnv names a running server (a real MongoDB, or a
	// mongotestserver started by the test command) that tests use instead
	// of starting one.
	MongoURIEnv = "CACHETOOLZ_TEST_MONGO_URI"
	// MongoBinaryEnv names a built tools/mongotestserver binary; without it
	// the helpers build one with the go command.
	MongoBinaryEnv = "CACHETOOLZ_TEST_MONGOTESTSERVER"
)

// MongoServer is a mongotestserver process (FerretDB on SQLite) started by
// this package, or an external server named by CACHETOOLZ_TEST_MONGO_URI.
type MongoServer struct {
	mu       sync.Mutex
	external bool
	uri      string
	addr     string // host:port once started; kept across restarts
	dir      string
	bin      string
	cmd      *exec.Cmd
	exited   chan struct{}
	log      *mongoLog
}

// MongoURI returns the URI of a MongoDB-wire server for the test: the one
// named by CACHETOOLZ_TEST_MONGO_URI, or a mongotestserver started for the
// test and stopped when it ends. When no server can be had it skips the
// test, or fails it under CI=true.
func MongoURI(t testing.TB) string {
	t.Helper()
	return Mongo(t).URI()
}

// Mongo is MongoURI returning the server itself.
func Mongo(t testing.TB) *MongoServer {
	t.Helper()
	if u := os.Getenv(MongoURIEnv); u != "" {
		return &MongoServer{external: true, uri: u}
	}
	return MongoOwn(t)
}

// MongoOwn starts a mongotestserver for the test whatever the environment
// says, for tests that kill and restart their server. It skips the test
// when the server cannot be built or started, or fails it under CI=true.
func MongoOwn(t testing.TB) *MongoServer {
	t.Helper()
	s, err := StartMongo()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// StartMongo starts a mongotestserver on a free loopback port with its data
// in a new temporary directory, and waits until it accepts connections. The
// caller must Close it.
func StartMongo() (*MongoServer, error) {
	bin, err := mongoBinary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cachetoolz-mongo-")
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	s := &MongoServer{dir: dir, bin: bin, addr: "127.0.0.1:0"}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.startLocked(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// URI returns a mongodb:// URI for the server.
func (s *MongoServer) URI() string {
	if s.external {
		return s.uri
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return "mongodb://" + s.addr + "/"
}

// Addr returns the host:port the server listens on ("" when external).
func (s *MongoServer) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// External reports whether the server was named by the environment; an
// external server cannot be killed or restarted.
func (s *MongoServer) External() bool { return s.external }

// Kill stops the server abruptly (SIGKILL) and waits for it to exit. Its
// data directory stays, for Restart.
func (s *MongoServer) Kill() error {
	if s.external {
		return errors.New("testserver: cannot kill an external server")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(syscall.SIGKILL)
}

// Restart starts a killed server again on the same address with the same
// data directory.
func (s *MongoServer) Restart() error {
	if s.external {
		return errors.New("testserver: cannot restart an external server")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("testserver: mongotestserver is still running")
	}
	return s.startLocked()
}

// Close stops the server (SIGTERM, then SIGKILL after ten seconds) and
// removes its data directory. It does nothing for an external server.
func (s *MongoServer) Close() error {
	if s.external {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.stopLocked(syscall.SIGTERM)
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

// Log returns what the server wrote to its standard error.
func (s *MongoServer) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return ""
	}
	return s.log.String()
}

func (s *MongoServer) stopLocked(sig syscall.Signal) error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
	return nil
}

func (s *MongoServer) startLocked() error {
	addrFile := filepath.Join(s.dir, "addr")
	_ = os.Remove(addrFile)
	log := &mongoLog{}
	cmd := exec.Command(s.bin, "-listen", s.addr, "-dir", filepath.Join(s.dir, "data"), "-addr-file", addrFile)
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testserver: starting mongotestserver: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.After(30 * time.Second)
	for {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			s.addr = strings.TrimSpace(string(b))
			s.cmd, s.exited, s.log = cmd, exited, log
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("testserver: mongotestserver exited before serving:\n%s", log.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("testserver: mongotestserver did not serve within 30s:\n%s", log.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

var mongoBuild struct {
	once sync.Once
	bin  string
	err  error
}

// mongoBinary returns the path of a mongotestserver binary: the one named
// by CACHETOOLZ_TEST_MONGOTESTSERVER, or one built from this repository's
// tools/mongotestserver (once per process, outside the workspace so that
// its dependencies stay its own).
func mongoBinary() (string, error) {
	if p := os.Getenv(MongoBinaryEnv); p != "" {
		return p, nil
	}
	mongoBuild.once.Do(func() {
		mongoBuild.bin, mongoBuild.err = buildMongo()
	})
	return mongoBuild.bin, mongoBuild.err
}

func buildMongo() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("testserver: cannot locate the repository to build mongotestserver")
	}
	src := filepath.Join(filepath.Dir(file), "..", "..", "tools", "mongotestserver")
	if _, err := os.Stat(filepath.Join(src, "main.go")); err != nil {
		return "", fmt.Errorf("testserver: mongotestserver sources not found: %w", err)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("testserver: go command not found to build mongotestserver: %w", err)
	}
	// A shared location, replaced atomically, so that concurrent test
	// processes do not each leave a binary behind.
	outDir := filepath.Join(os.TempDir(), fmt.Sprintf("cachetoolz-mongotestserver-%d", os.Getuid()))
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return "", fmt.Errorf("testserver: %w", err)
	}
	tmp, err := os.CreateTemp(outDir, "build-*")
	if err != nil {
		return "", fmt.Errorf("testserver: %w", err)
	}
	_ = tmp.Close()
	cmd := exec.Command(goCmd, "build", "-o", tmp.Name(), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("testserver: building mongotestserver: %w\n%s", err, out)
	}
	bin := filepath.Join(outDir, "mongotestserver")
	if err := os.Rename(tmp.Name(), bin); err != nil {
		_ = os.Remove(tmp.Name())
		return "", fmt.Errorf("testserver: %w", err)
	}
	return bin, nil
}

// mongoLog collects a server's output, safe for a process's concurrent writes and
// the test's reads.
type mongoLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *mongoLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *mongoLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
