// Command scim-drift-report turns a saved Terraform plan into the drift
// report of its SCIM apps: what changed in each app behind Terraform's
// back, what the plan will do about it, mappings an app no longer accepts,
// changed capabilities and orphans, as Markdown (for a pull-request comment
// or a CI job summary) or JSON.
//
//	terraform plan -out=plan.tfplan
//	terraform show -json plan.tfplan | scim-drift-report
//	scim-drift-report plan.tfplan            # runs `terraform show -json` itself
//	scim-drift-report -format json -markdown report.md plan.json
//
// Exit status: 0 when nothing drifted, 2 when something did, 3 when the
// plan deprovisions more of an app's accounts than the guard allows (as the
// provider's deprovision_guard: more than -max-deprovisions and more than
// -max-deprovision-percent of the accounts the plan covers, unless
// approved with -approve), 1 on error, so a CI job can gate on it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/driftreport"
)

const usage = `usage: scim-drift-report [flags] [PLAN]

PLAN is the JSON of a saved plan (terraform show -json PLANFILE), or the
saved plan file itself, which is given to terraform show -json; none or -
reads the JSON from standard input.

Exit status: 0 nothing drifted, 2 something drifted, 3 the plan
deprovisions more of an app's accounts than the guard allows, 1 error.

Flags:
`

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("scim-drift-report", flag.ContinueOnError)
	flags.SetOutput(stderr)
	format := flags.String("format", "markdown", "what to write on standard output: markdown or json")
	mdFile := flags.String("markdown", "", "also write the Markdown report to this file")
	jsonFile := flags.String("json", "", "also write the JSON report to this file")
	tf := flags.String("terraform", "terraform", "the CLI that reads a saved plan file (terraform or tofu)")
	maxAccounts := flags.Int("max-deprovisions", 10, "deprovisions (deactivations and deletions) of one app that never trip the guard")
	maxPercent := flags.Int("max-deprovision-percent", 25, "share of an app's managed accounts, in percent, that may be deprovisioned once -max-deprovisions is passed")
	approved := approvals{}
	flags.Var(approved, "approve", "BASE_URL=N: approve up to N deprovisions of that app in this plan (repeatable)")
	flags.Usage = func() { fmt.Fprint(stderr, usage); flags.PrintDefaults() }
	if err := flags.Parse(args); err != nil {
		return 1
	}
	if *format != "markdown" && *format != "json" {
		fmt.Fprintf(stderr, "scim-drift-report: -format must be markdown or json, not %q\n", *format)
		return 1
	}
	if flags.NArg() > 1 {
		flags.Usage()
		return 1
	}
	input, err := readInput(flags.Arg(0), stdin, *tf)
	if err != nil {
		fmt.Fprintf(stderr, "scim-drift-report: %v\n", err)
		return 1
	}
	rep, err := driftreport.Build(bytes.NewReader(input))
	if err != nil {
		fmt.Fprintf(stderr, "scim-drift-report: %v\n", err)
		return 1
	}
	guarded := rep.Guard(driftreport.GuardLimits{MaxAccounts: *maxAccounts, MaxPercent: *maxPercent, Approved: approved})
	writers := map[string]func(io.Writer) error{"markdown": rep.WriteMarkdown, "json": rep.WriteJSON}
	if err := writers[*format](stdout); err != nil {
		fmt.Fprintf(stderr, "scim-drift-report: %v\n", err)
		return 1
	}
	for file, write := range map[string]func(io.Writer) error{*mdFile: rep.WriteMarkdown, *jsonFile: rep.WriteJSON} {
		if file == "" {
			continue
		}
		if err := writeFile(file, write); err != nil {
			fmt.Fprintf(stderr, "scim-drift-report: %v\n", err)
			return 1
		}
	}
	if guarded {
		for _, a := range rep.Apps {
			if g := a.DeprovisionGuard; g != nil {
				fmt.Fprintf(stderr, "scim-drift-report: the plan deprovisions %d of the %d accounts of %s; approve with -approve %s=%d\n",
					g.Deprovisions, g.ManagedAccounts, a.BaseURL, a.BaseURL, g.Deprovisions)
			}
		}
		return 3
	}
	if rep.Drifted {
		return 2
	}
	return 0
}

// approvals is the -approve flag: BASE_URL=N, repeatable.
type approvals map[string]int

func (a approvals) String() string { return fmt.Sprint(map[string]int(a)) }

func (a approvals) Set(v string) error {
	i := strings.LastIndex(v, "=")
	if i < 0 {
		return fmt.Errorf("%q is not BASE_URL=N", v)
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil || n < 0 {
		return fmt.Errorf("%q: N must be a whole number of accounts", v)
	}
	a[strings.TrimRight(v[:i], "/")] = n
	return nil
}

// readInput reads the plan JSON from path (standard input for "" or "-");
// a saved plan file (a zip archive) is read with `tf show -json`.
func readInput(path string, stdin io.Reader, tf string) ([]byte, error) {
	if path == "" || path == "-" {
		return io.ReadAll(stdin)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return data, nil
	}
	cmd := exec.Command(tf, "show", "-json", path)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil, fmt.Errorf("%s show -json %s: %v: %s", tf, path, err, bytes.TrimSpace(errOut.Bytes()))
	}
	if err != nil {
		return nil, fmt.Errorf("%s is a saved plan file, and reading it needs %s show -json: %w", path, tf, err)
	}
	return out, nil
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
