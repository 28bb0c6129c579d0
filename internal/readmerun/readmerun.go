// Package readmerun runs the shell and HCL snippets of a Markdown file (the
// README) in order, as a reader would paste them, so that a snippet that no
// longer works fails a check instead of a newcomer.
//
// Every fenced block of shell (sh, bash, shell) or HCL (hcl, terraform, tf)
// must be preceded by a directive, an HTML comment that does not render:
//
//	<!-- readme-run session=NAME [file=PATH [append]] [stdin=yes]
//	before: a shell line run before the snippet (the harness's setup)
//	then: a shell line run after it (the harness's check)
//	expect: text the session's output must contain
//	replace: TEXT => NEW   (a placeholder of the snippet; $HOME and $README_ROOT expand in NEW)
//	omit: the start of a line of the snippet not to run
//	because: why it is omitted (required with omit)
//	-->
//
// Snippets of one session run in one bash, in order, from the repository's
// root, as one reader's terminal would: a `cd` or an `export` carries over,
// and `make target &` started in one snippet is still running in the next.
// An HCL snippet is written to its file in the session's current directory
// (appended with `append`). A shell or HCL block without a directive, or a
// directive on any other block, is an error: nothing in the README goes
// unrun by oversight.
package readmerun

import (
	"fmt"
	"regexp"
	"strings"
)

// Snippet is one fenced block of the README and how it runs.
type Snippet struct {
	Line    int    // line of the opening fence, 1-based
	Lang    string // "sh" or "hcl"
	Body    string // the block's text, its indentation removed
	Session string
	File    string // hcl: the file it is written to
	Append  bool
	Stdin   string // "yes": the session's stdin answers yes to every prompt
	Before  []string
	Then    []string
	Expect  []string
	Replace [][2]string
	Omit    []string
	Because string
}

var (
	fenceOpen = regexp.MustCompile("^(\\s*)(```+)\\s*([A-Za-z0-9_+-]*)\\s*$")
	langs     = map[string]string{"sh": "sh", "bash": "sh", "shell": "sh", "hcl": "hcl", "terraform": "hcl", "tf": "hcl"}
	sessionRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// Parse finds the runnable snippets of a Markdown text, with their directives.
func Parse(name, text string) ([]Snippet, error) {
	lines := strings.Split(text, "\n")
	var out []Snippet
	var errs []string
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	for i := 0; i < len(lines); i++ {
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		indent, marker, info := m[1], m[2], strings.ToLower(m[3])
		open := i
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			t := strings.TrimSpace(lines[i])
			if strings.HasPrefix(t, marker) && strings.Trim(t, "`") == "" {
				closed = true
				break
			}
			body = append(body, strings.TrimPrefix(lines[i], indent))
		}
		if !closed {
			fail(open+1, "a fenced block that is never closed")
			break
		}
		directive, dline, found := directiveBefore(lines, open)
		lang, runnable := langs[info]
		if !runnable {
			if found {
				fail(dline, "a readme-run directive on a block that is neither shell nor HCL (%q)", info)
			}
			continue
		}
		if !found {
			fail(open+1, "a %s block without a readme-run directive: say how it runs (see internal/readmerun)", info)
			continue
		}
		s := Snippet{Line: open + 1, Lang: lang, Body: strings.Join(body, "\n") + "\n"}
		if err := parseDirective(directive, &s); err != nil {
			fail(dline, "%v", err)
			continue
		}
		out = append(out, s)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// directiveBefore returns the text of the readme-run comment that ends on
// the last non-blank line before the fence at line i, and its first line.
func directiveBefore(lines []string, i int) (string, int, bool) {
	j := i - 1
	for j >= 0 && strings.TrimSpace(lines[j]) == "" {
		j--
	}
	if j < 0 || !strings.HasSuffix(strings.TrimSpace(lines[j]), "-->") {
		return "", 0, false
	}
	end := j
	for ; j >= 0; j-- {
		t := strings.TrimSpace(lines[j])
		if strings.HasPrefix(t, "<!--") {
			if !strings.HasPrefix(t, "<!-- readme-run") {
				return "", 0, false
			}
			var parts []string
			for _, l := range lines[j : end+1] {
				parts = append(parts, strings.TrimSpace(l))
			}
			text := strings.Join(parts, "\n")
			text = strings.TrimSuffix(strings.TrimPrefix(text, "<!-- readme-run"), "-->")
			return text, j + 1, true
		}
		if j < end && strings.Contains(t, "-->") {
			return "", 0, false
		}
	}
	return "", 0, false
}

func parseDirective(text string, s *Snippet) error {
	lines := strings.Split(text, "\n")
	for _, f := range strings.Fields(strings.TrimPrefix(lines[0], ":")) {
		key, value, hasValue := strings.Cut(f, "=")
		switch {
		case key == "session" && hasValue:
			s.Session = value
		case key == "file" && hasValue:
			s.File = value
		case key == "append" && !hasValue:
			s.Append = true
		case key == "stdin" && value == "yes":
			s.Stdin = value
		default:
			return fmt.Errorf("readme-run: unknown setting %q (session=, file=, append, stdin=yes)", f)
		}
	}
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		key, value, ok := strings.Cut(l, ":")
		value = strings.TrimSpace(value)
		if !ok || value == "" {
			return fmt.Errorf("readme-run: %q is not `key: value`", l)
		}
		switch key {
		case "before":
			s.Before = append(s.Before, value)
		case "then":
			s.Then = append(s.Then, value)
		case "expect":
			s.Expect = append(s.Expect, value)
		case "omit":
			s.Omit = append(s.Omit, value)
		case "because":
			s.Because = value
		case "replace":
			old, repl, ok := strings.Cut(value, " => ")
			if !ok {
				return fmt.Errorf("readme-run: replace needs `TEXT => NEW`, not %q", value)
			}
			if !strings.Contains(s.Body, old) {
				return fmt.Errorf("readme-run: replace: the snippet has no %q", old)
			}
			s.Replace = append(s.Replace, [2]string{old, repl})
		default:
			return fmt.Errorf("readme-run: unknown line %q (before:, then:, expect:, replace:, omit:, because:)", l)
		}
	}
	switch {
	case !sessionRe.MatchString(s.Session):
		return fmt.Errorf("readme-run: session=NAME is required (lower case, digits and dashes), got %q", s.Session)
	case s.Lang == "hcl" && s.File == "":
		return fmt.Errorf("readme-run: an HCL snippet needs file=PATH, the file it is written to")
	case s.Lang == "sh" && (s.File != "" || s.Append):
		return fmt.Errorf("readme-run: file= and append are for HCL snippets")
	case len(s.Omit) > 0 && s.Because == "":
		return fmt.Errorf("readme-run: omit needs because: (why the line is not run)")
	case s.Because != "" && len(s.Omit) == 0:
		return fmt.Errorf("readme-run: because: without omit")
	}
	for _, o := range s.Omit {
		if omitLines(s.Body, []string{o}) == s.Body {
			return fmt.Errorf("readme-run: omit: no line of the snippet starts with %q", o)
		}
	}
	return nil
}

func omitLines(body string, omit []string) string {
	var kept []string
	for _, l := range strings.Split(body, "\n") {
		drop := false
		for _, o := range omit {
			if strings.HasPrefix(strings.TrimSpace(l), o) {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// Session is the snippets of one session, in the order of the README.
type Session struct {
	Name     string
	Snippets []Snippet
}

// Sessions groups snippets by session, in the order each session first
// appears.
func Sessions(snippets []Snippet) []Session {
	var out []Session
	index := map[string]int{}
	for _, s := range snippets {
		i, ok := index[s.Session]
		if !ok {
			i = len(out)
			index[s.Session] = i
			out = append(out, Session{Name: s.Session})
		}
		out[i].Snippets = append(out[i].Snippets, s)
	}
	return out
}

// Stdin is what the session's stdin answers: "yes" when any snippet asks.
func (s Session) Stdin() string {
	for _, sn := range s.Snippets {
		if sn.Stdin != "" {
			return sn.Stdin
		}
	}
	return ""
}

// Expect is every text the session's output must hold.
func (s Session) Expect() []string {
	var out []string
	for _, sn := range s.Snippets {
		out = append(out, sn.Expect...)
	}
	return out
}

// Script is the bash script of a session. expand gives $HOME and
// $README_ROOT for replace's NEW text.
func (s Session) Script(readme string, expand func(string) string) string {
	var b strings.Builder
	b.WriteString(`set -eo pipefail
# Background jobs get a process group of their own, as in a terminal, so
# that kill %1 stops make and what it runs; whatever is left is stopped on exit.
set -m
trap 'for p in $(jobs -p); do kill -- -"$p" 2>/dev/null || true; done' EXIT
trap 'exit 143' TERM INT
cd "$README_ROOT"
`)
	for n, sn := range s.Snippets {
		body := omitLines(sn.Body, sn.Omit)
		for _, r := range sn.Replace {
			body = strings.ReplaceAll(body, r[0], expand(r[1]))
		}
		fmt.Fprintf(&b, "\nprintf '\\n::: %s:%d (%s)\\n' >&2\n", readme, sn.Line, describe(sn))
		if sn.Because != "" {
			fmt.Fprintf(&b, "printf '::: not run: %%s (%%s)\\n' %s %s >&2\n", shellQuote(strings.Join(sn.Omit, "; ")), shellQuote(sn.Because))
		}
		for _, l := range sn.Before {
			fmt.Fprintf(&b, "printf '::: before: %%s\\n' %s >&2\n%s\n", shellQuote(l), l)
		}
		eof := fmt.Sprintf("README_RUN_EOF_%d", n)
		fmt.Fprintf(&b, "cat >&2 <<'%s'\n%s%s\n", eof, indentLines(body, "| "), eof)
		if sn.Lang == "hcl" {
			op := ">"
			if sn.Append {
				op = ">>"
			}
			fmt.Fprintf(&b, "cat %s %s <<'%s'\n%s%s\n", op, shellQuote(sn.File), eof, body, eof)
		} else {
			b.WriteString(body)
		}
		for _, l := range sn.Then {
			fmt.Fprintf(&b, "printf '::: then: %%s\\n' %s >&2\n%s\n", shellQuote(l), l)
		}
	}
	return b.String()
}

func describe(s Snippet) string {
	if s.Lang == "hcl" {
		verb := "written to"
		if s.Append {
			verb = "appended to"
		}
		return fmt.Sprintf("hcl, %s %s", verb, s.File)
	}
	return "sh"
}

func indentLines(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// Missing returns the expected texts the output does not contain (terminal
// colour codes removed).
func Missing(output string, expect []string) []string {
	plain := ansi.ReplaceAllString(output, "")
	var out []string
	for _, e := range expect {
		if !strings.Contains(plain, e) {
			out = append(out, e)
		}
	}
	return out
}
