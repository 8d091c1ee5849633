package testserver

import (
	"os/exec"
	"syscall"
)

// redisDieWithParent asks Linux to kill the server if the test process dies
// first (a panic on -timeout, a kill), so no redis-server outlives its test.
func redisDieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
