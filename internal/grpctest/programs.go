package grpctest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Run runs cmd (its path, arguments, environment and directory) with a
// five-minute limit and returns its standard output, failing the test at
// once, with the command line, the error and both outputs, if it fails.
func Run(t testing.TB, cmd *exec.Cmd) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Env, c.Dir = cmd.Env, cmd.Dir
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		t.Fatalf("%s: %v\n%s%s", strings.Join(cmd.Args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// RunFailing runs cmd (its path, arguments, environment and directory) with
// a one-minute limit and returns its standard output and standard error,
// failing the test at once unless it exits with status code.
func RunFailing(t testing.TB, cmd *exec.Cmd, code int) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Env, c.Dir = cmd.Env, cmd.Dir
	var errBuf bytes.Buffer
	c.Stderr = &errBuf
	out, err := c.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != code {
		t.Fatalf("%s: %v, want exit status %d", strings.Join(cmd.Args, " "), err, code)
	}
	return string(out), errBuf.String()
}

// BuildPrograms builds the main packages pkgs (such as "./greeter_server",
// relative to the test's directory) with go build into a temporary
// directory, removed at the end of the test, and returns the directory.
func BuildPrograms(t testing.TB, pkgs ...string) string {
	t.Helper()
	bin := t.TempDir()
	Run(t, exec.Command("go", append([]string{"build", "-o", bin + string(filepath.Separator)}, pkgs...)...))
	return bin
}

// ClosedPort returns the address of a loopback port that refuses
// connections: one just listened on and closed.
func ClosedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// StartServerProgram starts server, a server program named name in
// messages and given --port 0 by the caller, waits up to 30 seconds for it
// to print "Server started, listening on <port>", checks that the port
// takes connections and returns it. At the end of the test it sends the
// server SIGTERM and fails the test unless the server then exits with
// status 0 within 15 seconds; the messages carry the server's standard
// error.
func StartServerProgram(t testing.TB, name string, server *exec.Cmd) int {
	t.Helper()
	var stderr LockedBuffer
	server.Stderr = &stderr
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- server.Wait()
	}()
	t.Cleanup(func() {
		if err := server.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("signalling %s: %v", name, err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("%s did not exit cleanly: %v\n%s", name, err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			server.Process.Kill()
			t.Errorf("%s did not stop within 15s of SIGTERM\n%s", name, stderr.String())
		}
	})

	const started = "Server started, listening on "
	var port int
	timeout := time.After(30 * time.Second)
	for port == 0 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("%s exited before serving\n%s", name, stderr.String())
			}
			if p, found := strings.CutPrefix(line, started); found {
				if port, err = strconv.Atoi(p); err != nil || port <= 0 {
					t.Fatalf("%s printed %q", name, line)
				}
			}
		case <-timeout:
			t.Fatalf("%s did not say it started within 30s", name)
		}
	}
	go func() { // keep reading, so the server never blocks on a full pipe
		for range lines {
		}
	}()
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("localhost", strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		t.Fatalf("%s said it listens on %d, but: %v", name, port, err)
	}
	conn.Close()
	return port
}

// LockedBuffer is a bytes.Buffer safe to write from exec's copying
// goroutine while the test reads it, as a program's standard error that a
// test reports before the program has been waited for.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// Bytes returns a copy of what has been written so far.
func (b *LockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.b.Bytes())
}

// String returns what has been written so far.
func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
