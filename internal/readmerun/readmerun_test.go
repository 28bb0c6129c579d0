package readmerun

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const sample = "# Title\n\n" +
	"<!-- readme-run session=one stdin=yes -->\n```sh\ncd \"$(mktemp -d)\"\nexport GREETING=hello\n```\n\n" +
	"Some text.\n\n" +
	"  <!-- readme-run session=one file=main.tf\n  expect: hello from main.tf\n  -->\n  ```hcl\n  # $GREETING stays as written\n  ```\n\n" +
	"<!-- readme-run session=one file=main.tf append\nreplace: PLACEHOLDER => $HOME\n-->\n```hcl\n# PLACEHOLDER\n```\n\n" +
	"<!-- readme-run session=one\nomit: make test\nbecause: the caller runs it\nthen: echo \"$GREETING from $(ls)\"\n-->\n```sh\ncat main.tf\nmake test\n```\n\n" +
	"```\nplain output, not run\n```\n\n" +
	"<!-- readme-run session=two -->\n```bash\ntrue\n```\n"

func TestParse(t *testing.T) {
	snippets, err := Parse("README.md", sample)
	if err != nil {
		t.Fatal(err)
	}
	if len(snippets) != 5 {
		t.Fatalf("got %d snippets, want 5 (the plain block is not run): %+v", len(snippets), snippets)
	}
	hcl := snippets[1]
	if hcl.Lang != "hcl" || hcl.File != "main.tf" || hcl.Append || hcl.Body != "# $GREETING stays as written\n" || hcl.Line != 14 {
		t.Errorf("indented hcl snippet: %+v", hcl)
	}
	if !snippets[2].Append || snippets[2].Replace[0] != [2]string{"PLACEHOLDER", "$HOME"} {
		t.Errorf("appended snippet: %+v", snippets[2])
	}
	if got := snippets[3]; got.Because != "the caller runs it" || len(got.Then) != 1 || got.Omit[0] != "make test" {
		t.Errorf("omit snippet: %+v", got)
	}
	sessions := Sessions(snippets)
	if len(sessions) != 2 || sessions[0].Name != "one" || len(sessions[0].Snippets) != 4 || sessions[1].Name != "two" {
		t.Fatalf("sessions: %+v", sessions)
	}
	if sessions[0].Stdin() != "yes" || sessions[1].Stdin() != "" {
		t.Errorf("stdin: %q %q", sessions[0].Stdin(), sessions[1].Stdin())
	}
}

// A session runs as one terminal: the cd and the export of the first
// snippet hold for the next, HCL lands in its file unexpanded, a
// placeholder is replaced, an omitted line is not run.
func TestScriptRunsAsOneTerminal(t *testing.T) {
	snippets, err := Parse("README.md", sample)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	script := Sessions(snippets)[0].Script("README.md", func(s string) string { return strings.ReplaceAll(s, "$HOME", home) })
	path := filepath.Join(t.TempDir(), "one.sh")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	// make on PATH fails the test if the omitted line runs.
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "make"), []byte("#!/bin/sh\necho MAKE-RAN; exit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", path)
	cmd.Env = append(os.Environ(), "README_ROOT="+t.TempDir(), "PATH="+bin+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := string(out)
	want := "# $GREETING stays as written\n# " + home + "\n"
	if !strings.Contains(text, want) {
		t.Errorf("main.tf as written was not catted; output:\n%s", text)
	}
	if missing := Missing(text, []string{"hello from main.tf"}); len(missing) != 0 {
		t.Errorf("missing %q in:\n%s", missing, text)
	}
	if strings.Contains(text, "MAKE-RAN") {
		t.Errorf("the omitted line ran:\n%s", text)
	}
	if !strings.Contains(text, "::: not run: make test (the caller runs it)") {
		t.Errorf("the omission is not reported:\n%s", text)
	}
}

func TestScriptStopsAtTheFirstFailure(t *testing.T) {
	snippets, err := Parse("README.md", "<!-- readme-run session=s -->\n```sh\nfalse\necho AFTER\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "-c", Sessions(snippets)[0].Script("README.md", func(s string) string { return s })).CombinedOutput()
	if err == nil || strings.Contains(string(out), "\nAFTER") {
		t.Fatalf("a failing command did not stop the session: %v\n%s", err, out)
	}
}

func TestParseErrors(t *testing.T) {
	for name, tc := range map[string]struct{ text, want string }{
		"no directive":          {"```sh\nls\n```\n", "README.md:1: a sh block without a readme-run directive"},
		"other comment":         {"<!-- a note -->\n```hcl\nx = 1\n```\n", "a hcl block without a readme-run directive"},
		"directive on output":   {"<!-- readme-run session=a -->\n```\nout\n```\n", "neither shell nor HCL"},
		"no session":            {"<!-- readme-run -->\n```sh\nls\n```\n", "session=NAME is required"},
		"hcl without file":      {"<!-- readme-run session=a -->\n```hcl\nx = 1\n```\n", "needs file=PATH"},
		"sh with file":          {"<!-- readme-run session=a file=x -->\n```sh\nls\n```\n", "for HCL snippets"},
		"omit without because":  {"<!-- readme-run session=a\nomit: ls\n-->\n```sh\nls\n```\n", "omit needs because"},
		"omit matching none":    {"<!-- readme-run session=a\nomit: make\nbecause: x\n-->\n```sh\nls\n```\n", "no line of the snippet starts with"},
		"replace matching none": {"<!-- readme-run session=a\nreplace: X => Y\n-->\n```sh\nls\n```\n", `the snippet has no "X"`},
		"unknown setting":       {"<!-- readme-run session=a fast -->\n```sh\nls\n```\n", `unknown setting "fast"`},
		"unknown line":          {"<!-- readme-run session=a\nafter: ls\n-->\n```sh\nls\n```\n", `unknown line "after: ls"`},
		"unclosed":              {"<!-- readme-run session=a -->\n```sh\nls\n", "never closed"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("README.md", tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// The README itself: every shell and HCL block has a directive that parses,
// so make test catches an undirected snippet before the runner does.
func TestTheREADMEParses(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	snippets, err := Parse("README.md", string(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(snippets) < 15 {
		t.Errorf("only %d snippets found in README.md", len(snippets))
	}
	for _, s := range Sessions(snippets) {
		if s.Snippets[0].Lang != "sh" && len(s.Snippets[0].Before) == 0 {
			t.Errorf("session %s starts with an HCL snippet and no before: it would be written into the repository's root", s.Name)
		}
	}
}
