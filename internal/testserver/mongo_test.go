package testserver

import (
	"net"
	"testing"
	"time"
)

func TestMongoKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts a server")
	}
	s := MongoOwn(t)
	addr := s.Addr()
	dial := func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(); err != nil {
		t.Fatalf("server at %s does not accept connections: %v", addr, err)
	}
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := dial(); err == nil {
		t.Fatal("server accepts connections after Kill")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.Addr() != addr {
		t.Fatalf("restarted on %s, want %s", s.Addr(), addr)
	}
	if err := dial(); err != nil {
		t.Fatalf("restarted server does not accept connections: %v", err)
	}
}
