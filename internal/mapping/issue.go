package mapping

import (
	"errors"
	"fmt"
)

// Issue is one problem (or, with Warning, one note) about a mapping, tied to a
// rule where it concerns one. ValidateRules, CheckSchema, SchemaWarnings and
// Evaluate report *Issue values, so the provider can attach each to the rule
// and field at fault (path.Root("rules").AtListIndex(Index).AtName(Field)).
type Issue struct {
	// Index is the 0-based position of the rule in the list, -1 when the
	// issue concerns the mapping as a whole.
	Index int
	// Target is the rule's target as written ("" when Index is -1).
	Target string
	// Field is the rule field at fault: "target", "source", "value",
	// "template", "transform", "if_missing"; "" for the rule as a whole.
	Field string
	// Summary is a short Title Case summary for a diagnostic.
	Summary string
	// Message says what is wrong and what to do about it.
	Message string
	// Warning marks a note that does not stop anything.
	Warning bool
}

// Error renders the issue as `rule 3 (target "title"): message`. Rules are
// counted from 1 in the text, the way a reader counts the rules in a file.
func (e *Issue) Error() string {
	if e.Index < 0 {
		return e.Message
	}
	return fmt.Sprintf("rule %d (target %q): %s", e.Index+1, e.Target, e.Message)
}

// Issues returns the *Issue values in err, which may be an errors.Join of
// them, in order. Errors that are not issues are left out.
func Issues(err error) []*Issue {
	switch e := err.(type) {
	case nil:
		return nil
	case *Issue:
		return []*Issue{e}
	case interface{ Unwrap() []error }:
		var out []*Issue
		for _, inner := range e.Unwrap() {
			out = append(out, Issues(inner)...)
		}
		return out
	}
	var issue *Issue
	if errors.As(err, &issue) {
		return []*Issue{issue}
	}
	return nil
}

func ruleIssue(summary string, i int, r Rule, field, message string) *Issue {
	return &Issue{Index: i, Target: r.Target, Field: field, Summary: summary, Message: message}
}

func ruleWarning(i int, r Rule, field, message string) *Issue {
	is := ruleIssue(summaryNote, i, r, field, message)
	is.Warning = true
	return is
}
