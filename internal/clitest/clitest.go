// Package clitest runs a Terraform CLI the way a user does, against the
// provider built from this module as a dev override, for the tests that
// need what terraform-plugin-testing does not give: `terraform query` and
// the configuration it generates, saved plans as JSON. It has no SCIM
// server of its own; tests start the local target and write the
// configuration.
package clitest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Run is a working directory and a CLI to run in it.
type Run struct {
	t   testing.TB
	bin string
	// Dir is the working directory, empty at first.
	Dir string
	env []string
}

// New builds the provider and returns a Run of the CLI at bin in a fresh
// directory, with a CLI configuration whose dev_overrides point at the
// build, CHECKPOINT_DISABLE set and no TF_* variable or credentials of
// the caller's environment.
func New(t testing.TB, bin string) *Run {
	t.Helper()
	work := t.TempDir()
	plugins := filepath.Join(work, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-scim"), "github.com/openscim/terraform-provider-scim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides { \"openscim/scim\" = %q }\n  direct {}\n}\n", plugins), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "SCIM_CREDENTIALS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &Run{t: t, bin: bin, Dir: dir, env: env}
}

// Env is the environment the CLI runs with, for other programs that run
// it (a saved plan file is read with the provider's schemas).
func (r *Run) Env() []string { return append([]string(nil), r.env...) }

// Write writes a file of the working directory.
func (r *Run) Write(name, content string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.Dir, name), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Read reads a file of the working directory.
func (r *Run) Read(name string) string {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.Dir, name))
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

// Exec runs the CLI with args (and -no-color) and returns its output and
// exit status; a status not in ok fails the test with the output.
func (r *Run) Exec(ok []int, args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command(r.bin, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = r.Dir, r.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	status := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		status = exit.ExitCode()
	} else if err != nil {
		r.t.Fatalf("%s %s: %v", r.bin, strings.Join(args, " "), err)
	}
	if !slices.Contains(ok, status) {
		r.t.Fatalf("terraform %s: exit status %d, want %v:\n%s", strings.Join(args, " "), status, ok, out.String())
	}
	return out.String(), status
}

// Output runs the CLI with args and returns what it printed on standard
// output alone (for `terraform show -json`), failing the test on a non-zero
// exit.
func (r *Run) Output(args ...string) []byte {
	r.t.Helper()
	cmd := exec.Command(r.bin, args...)
	cmd.Dir, cmd.Env = r.Dir, r.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		r.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// Process is a CLI command running in the background, for the tests that
// interrupt or kill it.
type Process struct {
	t    testing.TB
	cmd  *exec.Cmd
	out  *bytes.Buffer
	args []string
	done chan struct{}
	err  error
}

// Start runs the CLI with args (and -no-color) in the background, in a
// process group of its own, so that Kill takes the provider plugin with it
// as the loss of a CI runner would.
func (r *Run) Start(args ...string) *Process {
	r.t.Helper()
	cmd := exec.Command(r.bin, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = r.Dir, r.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &Process{t: r.t, cmd: cmd, out: &bytes.Buffer{}, args: args, done: make(chan struct{})}
	both := &syncWriter{w: p.out}
	cmd.Stdout, cmd.Stderr = both, both
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("%s %s: %v", r.bin, strings.Join(args, " "), err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	r.t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	})
	return p
}

// Interrupt sends SIGINT, as Ctrl-C in a terminal does.
func (p *Process) Interrupt() { _ = p.cmd.Process.Signal(syscall.SIGINT) }

// Kill sends SIGKILL to the CLI and every process it started.
func (p *Process) Kill() { _ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) }

// Wait waits for the command to end and returns its output and exit
// status (-1 when it was killed by a signal).
func (p *Process) Wait() (string, int) {
	p.t.Helper()
	<-p.done
	status := 0
	if exit, ok := p.err.(*exec.ExitError); ok && !exit.Exited() {
		return p.out.String(), -1
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		status = exit.ExitCode()
	} else if p.err != nil {
		p.t.Fatalf("terraform %s: %v", strings.Join(p.args, " "), p.err)
	}
	return p.out.String(), status
}

// Exited reports whether the command has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
