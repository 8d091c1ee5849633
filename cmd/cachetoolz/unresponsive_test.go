package main

import (
	"net"
	"sync"
	"testing"
)

// TestUnresponsiveServer points the command at a loopback port that
// accepts connections and never answers: -timeout bounds the wait, and the
// error is one line.
func TestUnresponsiveServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	addr := ln.Addr().String()
	c := cli{t: t}
	c.fails("", 1, "deadline exceeded", "stats", "-url", "redis://"+addr, "-timeout", "300ms")
	c.fails("", 1, "cannot reach mongodb://"+addr+" within 300ms", "stats", "-url", "mongodb://"+addr, "-timeout", "300ms")
}
