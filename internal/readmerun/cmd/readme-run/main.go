// Command readme-run runs every shell and HCL snippet of README.md in order,
// as a new user would paste them, against the local SCIM target (the
// snippets start it themselves), and fails when one fails or its output
// lacks what the README says it shows. `make readme-check` (tools/readme-run.sh)
// runs it; CI runs that.
//
// The user's own files are left alone: HOME is a fresh directory (make
// install fills its plugin mirror), while Go's caches and the CLI cache of
// tools/get-cli.sh stay where they are. The terraform on PATH is used when
// it is 1.10 or later (the Quickstart declares an ephemeral variable),
// Terraform 1.14.3 from tools/get-cli.sh otherwise.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/openscim/terraform-provider-scim/internal/readmerun"
)

const targetAddr = "127.0.0.1:8484"

func main() {
	readme := flag.String("readme", "README.md", "the Markdown file whose snippets run")
	only := flag.String("only", "", "run only these sessions (comma-separated)")
	keep := flag.Bool("keep", false, "keep the run's directory (HOME, scripts, logs)")
	timeout := flag.Duration("timeout", 20*time.Minute, "time allowed to each session")
	flag.Parse()
	if err := run(*readme, *only, *keep, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "readme-run:", err)
		os.Exit(1)
	}
}

func run(readme, only string, keep bool, timeout time.Duration) error {
	text, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	root, err := filepath.Abs(filepath.Dir(readme))
	if err != nil {
		return err
	}
	snippets, err := readmerun.Parse(filepath.Base(readme), string(text))
	if err != nil {
		return err
	}
	sessions := readmerun.Sessions(snippets)
	if only != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			want[n] = true
		}
		var kept []readmerun.Session
		for _, s := range sessions {
			if want[s.Name] {
				kept = append(kept, s)
			}
		}
		sessions = kept
	}
	if len(sessions) == 0 {
		return fmt.Errorf("no session to run")
	}
	if listening(targetAddr) {
		return fmt.Errorf("something already listens on %s (a `make target` of yours?); the README's snippets start the local SCIM target there", targetAddr)
	}

	dir, err := os.MkdirTemp("", "readme-run-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Printf("readme-run: the run's directory: %s\n", dir)
	} else {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	env, tf, err := environment(root, dir)
	if err != nil {
		return err
	}
	fmt.Printf("readme-run: %d snippets of %s in %d sessions; terraform: %s\n", countSnippets(sessions), readme, len(sessions), tf)

	var failed []string
	for _, s := range sessions {
		start := time.Now()
		problems := runSession(s, filepath.Base(readme), root, dir, env, timeout)
		status := "ok"
		if len(problems) > 0 {
			status = "FAILED"
			for _, p := range problems {
				failed = append(failed, fmt.Sprintf("session %s: %s", s.Name, p))
			}
		}
		fmt.Printf("readme-run: session %s (%d snippets, from %s:%d): %s in %s\n",
			s.Name, len(s.Snippets), filepath.Base(readme), s.Snippets[0].Line, status, time.Since(start).Round(time.Second))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d problems:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	fmt.Printf("readme-run: every snippet of %s ran as written\n", readme)
	return nil
}

func countSnippets(ss []readmerun.Session) int {
	n := 0
	for _, s := range ss {
		n += len(s.Snippets)
	}
	return n
}

func runSession(s readmerun.Session, readme, root, dir string, env []string, timeout time.Duration) []string {
	home := filepath.Join(dir, "home")
	expand := func(v string) string {
		return os.Expand(v, func(k string) string {
			switch k {
			case "HOME":
				return home
			case "README_ROOT":
				return root
			}
			return "$" + k
		})
	}
	script := filepath.Join(dir, s.Name+".sh")
	if err := os.WriteFile(script, []byte(s.Script(readme, expand)), 0o644); err != nil {
		return []string{err.Error()}
	}
	logPath := filepath.Join(dir, s.Name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return []string{err.Error()}
	}
	defer logFile.Close()
	var output bytes.Buffer
	console := &prefixWriter{prefix: "[" + s.Name + "] ", w: os.Stdout}
	w := io.MultiWriter(&output, logFile, console)

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = root
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = w, w
	if s.Stdin() == "yes" {
		cmd.Stdin = yes{}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	runErr := cmd.Run()
	if console.mid {
		fmt.Println()
	}

	var problems []string
	if ctx.Err() != nil {
		problems = append(problems, fmt.Sprintf("still running after %s", timeout))
	} else if runErr != nil {
		problems = append(problems, fmt.Sprintf("a command failed (%v); the snippet is the last one the log shows", runErr))
	}
	for _, m := range readmerun.Missing(output.String(), s.Expect()) {
		problems = append(problems, fmt.Sprintf("the output lacks %q", m))
	}
	// A session that leaves the local target running would break the next.
	for i := 0; listening(targetAddr); i++ {
		if i == 100 {
			problems = append(problems, fmt.Sprintf("left something listening on %s", targetAddr))
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return problems
}

// environment is what the sessions run with: a fresh HOME, Go's caches and
// the CLI cache kept, terraform 1.10 or later first on PATH, nothing of the
// caller's Terraform or SCIM settings.
func environment(root, dir string) ([]string, string, error) {
	home := filepath.Join(dir, "home")
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{home, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, "", err
		}
	}
	keep := map[string]string{}
	out, err := exec.Command("go", "env", "-json", "GOPATH", "GOMODCACHE", "GOCACHE", "GOENV").Output()
	if err != nil {
		return nil, "", fmt.Errorf("go env: %w", err)
	}
	if err := json.Unmarshal(out, &keep); err != nil {
		return nil, "", err
	}
	userHome, _ := os.UserHomeDir()
	keep["SCIM_CLI_CACHE"] = filepath.Join(userHome, ".cache", "terraform-provider-scim", "cli")
	if v := os.Getenv("SCIM_CLI_CACHE"); v != "" {
		keep["SCIM_CLI_CACHE"] = v
	}
	if v := os.Getenv("SCIM_TERRAFORM_1_14"); v != "" {
		keep["SCIM_TERRAFORM_1_14"] = v
	}
	tf, err := terraform(root, keep["SCIM_CLI_CACHE"])
	if err != nil {
		return nil, "", err
	}
	if err := os.Symlink(tf, filepath.Join(bin, "terraform")); err != nil {
		return nil, "", err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME" || k == "PATH" || k == "TF_CLI_CONFIG_FILE" || k == "TF_DATA_DIR" || k == "TF_PLUGIN_CACHE_DIR",
			strings.HasPrefix(k, "TF_VAR_"), strings.HasPrefix(k, "TF_LOG"), strings.HasPrefix(k, "TF_ACC"),
			strings.HasPrefix(k, "TF_CLI_ARGS"), strings.HasPrefix(k, "SCIM_"), keep[k] != "":
			continue
		}
		env = append(env, kv)
	}
	for k, v := range keep {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, "HOME="+home, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CHECKPOINT_DISABLE=1", "README_ROOT="+root)
	return env, tf, nil
}

// terraform is the CLI the snippets run: the one on PATH when it is 1.10 or
// later, Terraform 1.14.3 from tools/get-cli.sh otherwise.
func terraform(root, cache string) (string, error) {
	if p, err := exec.LookPath("terraform"); err == nil {
		out, err := exec.Command(p, "version", "-json").Output()
		var v struct {
			Version string `json:"terraform_version"`
		}
		if err == nil && json.Unmarshal(out, &v) == nil && atLeast(v.Version, 1, 10) {
			return p, nil
		}
	}
	cmd := exec.Command("bash", "tools/get-cli.sh", "terraform", "1.14.3")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "SCIM_CLI_CACHE="+cache)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("no terraform 1.10 or later on PATH, and tools/get-cli.sh terraform 1.14.3 failed: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func atLeast(version string, major, minor int) bool {
	var a, b int
	if _, err := fmt.Sscanf(version, "%d.%d", &a, &b); err != nil {
		return false
	}
	return a > major || (a == major && b >= minor)
}

func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// yes answers yes to every prompt, as a reader would.
type yes struct{}

func (yes) Read(p []byte) (int, error) {
	n := 0
	for n+4 <= len(p) {
		n += copy(p[n:], "yes\n")
	}
	return n, nil
}

type prefixWriter struct {
	prefix string
	w      io.Writer
	mid    bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	var out bytes.Buffer
	for _, c := range b {
		if !p.mid {
			out.WriteString(p.prefix)
			p.mid = true
		}
		out.WriteByte(c)
		if c == '\n' {
			p.mid = false
		}
	}
	_, err := p.w.Write(out.Bytes())
	return len(b), err
}
