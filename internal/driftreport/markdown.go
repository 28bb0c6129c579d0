package driftreport

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the report as indented JSON, the shape of Report
// (report_version 1).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown writes the report as Markdown, fit for a pull-request
// comment or a CI job summary. Every value that comes from an app is in a
// code span, so nothing an app holds renders as markup or mentions anyone.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("## SCIM drift report\n\n")
	drifted := 0
	for _, a := range r.Apps {
		if a.drifted() {
			drifted++
		}
	}
	switch {
	case len(r.Apps) == 0:
		b.WriteString("**No drift.** The plan has no SCIM app.\n")
	case drifted == 0:
		fmt.Fprintf(&b, "**No drift.** %s hold%s what Terraform last recorded.\n", plural(len(r.Apps), "app"), verbS(len(r.Apps)))
	default:
		fmt.Fprintf(&b, "**Drift in %d of %s.** Changes were made behind Terraform's back, or an app holds what no resource manages.\n", drifted, plural(len(r.Apps), "app"))
	}
	for _, a := range r.Apps {
		a.writeMarkdown(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (a *App) writeMarkdown(b *strings.Builder) {
	title := code(a.BaseURL)
	if a.Name != "" {
		title = escape(a.Name) + " (" + code(a.BaseURL) + ")"
	}
	fmt.Fprintf(b, "\n### %s\n", title)
	if g := a.DeprovisionGuard; g != nil {
		fmt.Fprintf(b, "\n> **Mass deprovisioning.** This plan deactivates or deletes %d of the %d accounts Terraform manages in this app, "+
			"more than the guard allows without approval (%d accounts and %d%%). Review it; if it is intended, approve it with "+
			"`-approve %s=%d`.\n", g.Deprovisions, g.ManagedAccounts, g.MaxAccounts, g.MaxPercent, a.BaseURL, g.Deprovisions)
	}
	if !a.drifted() {
		b.WriteString("\nNo drift.\n")
	}
	if len(a.Accounts) > 0 {
		b.WriteString("\n**Accounts changed outside Terraform**\n\n| account | what changed |\n| --- | --- |\n")
		for _, d := range a.Accounts {
			var what []string
			switch d.Kind {
			case KindDeleted:
				what = append(what, "**deleted** in the app")
			case KindDeactivated:
				what = append(what, "**deactivated** in the app")
			case KindReactivated:
				what = append(what, "**reactivated** in the app")
			}
			for _, c := range d.Attributes {
				what = append(what, c.markdown())
			}
			fmt.Fprintf(b, "| %s | %s |\n", who(d.UserName, d.Address), strings.Join(what, "<br>"))
		}
	}
	if len(a.Groups) > 0 {
		b.WriteString("\n**Groups changed outside Terraform**\n\n| group | what changed |\n| --- | --- |\n")
		for _, d := range a.Groups {
			var what []string
			if d.Kind == KindDeleted {
				what = append(what, "**deleted** in the app")
			}
			for _, c := range d.Attributes {
				what = append(what, c.markdown())
			}
			if len(d.MembersAdded) > 0 {
				what = append(what, "members added: "+codes(d.MembersAdded))
			}
			if len(d.MembersRemoved) > 0 {
				what = append(what, "members removed: "+codes(d.MembersRemoved))
			}
			fmt.Fprintf(b, "| %s | %s |\n", who(d.DisplayName, d.Address), strings.Join(what, "<br>"))
		}
	}
	if len(a.Memberships) > 0 {
		b.WriteString("\n**Memberships removed outside Terraform**\n\n")
		for _, m := range a.Memberships {
			fmt.Fprintf(b, "- %s: member %s of group %s\n", code(m.Address), code(m.MemberID), code(m.GroupID))
		}
	}
	if len(a.Capabilities) > 0 {
		b.WriteString("\n**The app's capabilities changed**\n\n")
		for _, c := range a.Capabilities {
			fmt.Fprintf(b, "- %s\n", c.markdown())
		}
	}
	if len(a.SchemaProblems) > 0 {
		b.WriteString("\n**Mapping rules the app no longer accepts**\n\n")
		for _, p := range a.SchemaProblems {
			fmt.Fprintf(b, "- %s: %s\n", code(p.Address), escape(p.Problem))
		}
	}
	if len(a.Orphans) > 0 {
		b.WriteString("\n**Orphans**: in the app, managed by no resource\n\n")
		for _, o := range a.Orphans {
			name := o.UserName
			if name == "" {
				name = o.DisplayName
			}
			fmt.Fprintf(b, "- %s (id %s, from %s)\n", code(name), code(o.ID), code(o.Source))
		}
	}
	for _, src := range a.OrphansUnread {
		fmt.Fprintf(b, "\n**Orphans unknown**: %s is read only at apply, because its configuration refers to something "+
			"the plan changes; name the app and the managed accounts as data to have it read at plan time.\n", code(src))
	}
	if len(a.Planned) == 0 {
		b.WriteString("\nThe plan changes nothing in this app.\n")
		return
	}
	b.WriteString("\n**What the plan will do**\n\n| action | account or group | values sent |\n| --- | --- | --- |\n")
	for _, p := range a.Planned {
		var vals []string
		for _, c := range p.Attributes {
			vals = append(vals, c.markdown())
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", p.Action, who(p.Name, p.Address), strings.Join(vals, "<br>"))
	}
}

func (c ValueChange) markdown() string {
	switch {
	case c.Path == "members" && c.Old == "":
		return "member " + code(c.New) + " added"
	case c.Path == "members" && c.New == "":
		return "member " + code(c.Old) + " removed"
	case c.Old == "":
		return code(c.Path) + ": set to " + code(c.New)
	case c.New == "":
		return code(c.Path) + ": " + code(c.Old) + " removed"
	default:
		return code(c.Path) + ": " + code(c.Old) + " → " + code(c.New)
	}
}

// who names an account or group and its resource address.
func who(name, address string) string {
	if name == "" {
		return code(address)
	}
	return code(name) + " " + code(address)
}

// code puts s in a code span that no backtick in s can end, with the
// characters that would break a table cell or a line replaced.
func code(s string) string {
	s = strings.NewReplacer("|", "¦", "\n", " ", "\r", " ").Replace(s)
	if s == "" {
		return "`\"\"`"
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func codes(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

// escape makes text safe in Markdown outside code spans, on a line of its
// own or in a table cell: emphasis, links, HTML, headings, mentions.
func escape(s string) string {
	var b strings.Builder
	for _, r := range strings.NewReplacer("\n", " ", "\r", " ").Replace(s) {
		if strings.ContainsRune("\\`*_[]<>#|@~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func verbS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}
