//go:build !linux

package testserver

import "os/exec"

// redisDieWithParent does nothing where the system cannot tie a child's
// life to its parent's; t.Cleanup and Close still stop the server.
func redisDieWithParent(*exec.Cmd) {}
