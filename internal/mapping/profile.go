package mapping

// ProfileFrom reads a person's source profile back from the values an
// account holds (keyed by canonical path, as ExtractValues reads them),
// through the rules that copy a source field, with or without transforms:
// the inverse of Evaluate for those rules. The transforms (lower, upper,
// trim) give the same text when applied again, so Evaluate of the result
// reproduces every value such a rule manages. Constant and template rules
// give no field; a template whose fields the source rules give is then
// reproduced too. When two rules copy the same field and the account holds
// different values for them, the first rule wins, and the account will not
// match in full. Used to generate the configuration of accounts brought
// under management (`terraform query`).
func ProfileFrom(rules []Rule, values map[string]string) map[string]string {
	profile := map[string]string{}
	for _, r := range rules {
		if r.Source == "" || r.Value != nil || r.Template != "" {
			continue
		}
		if _, taken := profile[r.Source]; taken {
			continue
		}
		p, err := parsePath(r.Target)
		if err != nil {
			continue
		}
		if v, ok := values[p.String()]; ok && v != "" {
			profile[r.Source] = v
		}
	}
	return profile
}
