package appcheck

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ReportVersion is the version of the JSON report's layout.
const ReportVersion = "1"

// WriteText writes the report for people: one line per finding with its
// evidence, then the recommended compatibility settings, each explained in
// one line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "SCIM app check of %s (User-Agent %s)\n\nFindings:\n", r.BaseURL, r.UserAgent)
	for _, f := range r.Findings {
		line := "  " + f.Title + ": " + f.Result
		if f.Detail != "" {
			line += ", " + f.Detail
		}
		fmt.Fprintf(&b, "%s  [%s]\n", line, f.Evidence)
	}
	if r.Write != nil {
		fmt.Fprintf(&b, "\nWrite probe: %s\n", r.Write.Summary())
	}
	b.WriteString("\nRecommended settings for scim_connected_app:\n")
	if len(r.Recommendations) == 0 {
		b.WriteString("  none: what the provider derives from discovery fits what the app does\n")
	} else {
		for _, l := range strings.Split(strings.TrimSuffix(HCL(r.Recommendations), "\n"), "\n") {
			b.WriteString("  " + l + "\n")
		}
		b.WriteString("\n")
		for _, field := range compatibilityFields {
			if rec, ok := r.Recommendation(field); ok {
				fmt.Fprintf(&b, "  %s = %s: %s\n", rec.Field, hclValue(rec.Value), rec.Reason)
			}
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, n := range r.Notes {
			b.WriteString("  " + n + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonReport is the JSON layout of a report.
type jsonReport struct {
	ReportVersion   string           `json:"report_version"`
	BaseURL         string           `json:"base_url"`
	UserAgent       string           `json:"user_agent"`
	Checked         bool             `json:"checked"`
	Error           string           `json:"error,omitempty"`
	Findings        []Finding        `json:"findings"`
	Recommendations []Recommendation `json:"recommendations"`
	// Compatibility is the recommendations as HCL, "" when none.
	Compatibility string       `json:"compatibility"`
	Notes         []string     `json:"notes,omitempty"`
	Write         *WriteReport `json:"write,omitempty"`
}

// WriteJSON writes the report as JSON; checkErr is the error Check
// returned, if any (the report then says checked false and why).
func (r *Report) WriteJSON(w io.Writer, checkErr error) error {
	j := jsonReport{ReportVersion: ReportVersion, Checked: checkErr == nil,
		Findings: []Finding{}, Recommendations: []Recommendation{}}
	if r != nil {
		j.BaseURL, j.UserAgent, j.Notes, j.Write = r.BaseURL, r.UserAgent, r.Notes, r.Write
		if r.Findings != nil {
			j.Findings = r.Findings
		}
		if r.Recommendations != nil {
			j.Recommendations = r.Recommendations
		}
		j.Compatibility = HCL(r.Recommendations)
	}
	if checkErr != nil {
		j.Error = checkErr.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}
