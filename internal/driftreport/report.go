package driftreport

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Version is the version of the report's JSON shape. It changes only when
// a member is removed or changes meaning; members may be added within one
// version.
const Version = "1"

// Report is the drift report of one plan: one entry per app.
type Report struct {
	ReportVersion    string `json:"report_version"`
	TerraformVersion string `json:"terraform_version"`
	// Drifted is whether anything changed behind Terraform's back, a
	// mapping no longer fits its app, an app's capabilities changed, or an
	// app holds orphans: what makes the command exit 2.
	Drifted bool  `json:"drifted"`
	Apps    []App `json:"apps"`
}

// App is what concerns one app, by its base URL (the connected app's id).
type App struct {
	BaseURL string `json:"base_url"`
	// Name is the scim_connected_app's name, when the plan has it.
	Name string `json:"name,omitempty"`

	// Drift: changes made in the app outside Terraform.
	Accounts     []AccountDrift    `json:"accounts"`
	Groups       []GroupDrift      `json:"groups"`
	Memberships  []MembershipDrift `json:"memberships"`
	Capabilities []ValueChange     `json:"capabilities"`
	// SchemaProblems are the rules of a mapping the app's schema no longer
	// accepts, by mapping resource.
	SchemaProblems []SchemaProblem `json:"schema_problems"`
	Orphans        []Orphan        `json:"orphans"`
	// OrphansUnread are orphan reports (data sources) Terraform could not
	// read at plan time, so the plan cannot say which orphans there are.
	OrphansUnread []string `json:"orphans_unread"`

	// Planned is what applying the plan does in this app.
	Planned []PlannedChange `json:"planned"`
	// ManagedAccounts is how many accounts of the app the plan covers
	// (scim_provisioned_user already in state), and Deprovisions how many
	// of them it deactivates or deletes.
	ManagedAccounts int `json:"managed_accounts"`
	Deprovisions    int `json:"deprovisions"`
	// DeprovisionGuard is set when Deprovisions passes the guard (Guard).
	DeprovisionGuard *GuardTrip `json:"deprovision_guard,omitempty"`
}

// Kinds of drift of an account or a group.
const (
	KindChanged     = "changed"
	KindDeactivated = "deactivated"
	KindReactivated = "reactivated"
	KindDeleted     = "deleted"
)

// AccountDrift is one account changed outside Terraform.
type AccountDrift struct {
	Address  string `json:"address"`
	ID       string `json:"id"`
	UserName string `json:"user_name"`
	// Kind is changed, deactivated, reactivated or deleted; a deactivated
	// or reactivated account may also have changed attributes.
	Kind       string        `json:"kind"`
	Attributes []ValueChange `json:"attributes"`
}

// GroupDrift is one group changed outside Terraform.
type GroupDrift struct {
	Address        string        `json:"address"`
	ID             string        `json:"id"`
	DisplayName    string        `json:"display_name"`
	Kind           string        `json:"kind"` // changed or deleted
	Attributes     []ValueChange `json:"attributes"`
	MembersAdded   []string      `json:"members_added"`
	MembersRemoved []string      `json:"members_removed"`
}

// MembershipDrift is a scim_group_member whose membership was removed in
// the app (or whose group is gone).
type MembershipDrift struct {
	Address  string `json:"address"`
	GroupID  string `json:"group_id"`
	MemberID string `json:"member_id"`
	Kind     string `json:"kind"` // deleted
}

// ValueChange is one value, as text, before and after; "" for none.
type ValueChange struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// SchemaProblem is one problem of one mapping.
type SchemaProblem struct {
	Address string `json:"address"`
	Problem string `json:"problem"`
}

// Orphan is an account or group of the app that no resource manages, as a
// scim_users or scim_groups data source with exclude_ids listed it.
type Orphan struct {
	Source      string `json:"source"` // the data source's address
	ID          string `json:"id"`
	UserName    string `json:"user_name,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
}

// Actions of planned changes.
const (
	ActionCreate     = "create"
	ActionImport     = "import"
	ActionUpdate     = "update"
	ActionDeactivate = "deactivate"
	ActionReactivate = "reactivate"
	ActionDelete     = "delete"
	ActionForget     = "forget"
	ActionReplace    = "replace"
)

// PlannedChange is one change the plan makes to an account or a group.
type PlannedChange struct {
	Address string `json:"address"`
	Kind    string `json:"kind"` // account, group or membership
	Name    string `json:"name"` // userName, displayName or group/member
	Action  string `json:"action"`
	// Attributes are the values that change, for updates.
	Attributes []ValueChange `json:"attributes,omitempty"`
}

// Build reads a plan (`terraform show -json PLANFILE`) and makes its report.
func Build(r io.Reader) (*Report, error) {
	p, err := readPlan(r)
	if err != nil {
		return nil, err
	}
	b := builder{apps: map[string]*App{}, accounts: map[string]accountCounts{}}
	for _, rc := range p.ResourceDrift {
		if rc.Mode == tfjson.ManagedResourceMode && ours(rc.ProviderName, rc.Type) {
			b.drift(rc)
		}
	}
	for _, rc := range p.ResourceChanges {
		_, _, after := changeValues(rc)
		switch {
		case rc.Mode == tfjson.ManagedResourceMode && ours(rc.ProviderName, rc.Type):
			b.planned(rc)
		case rc.Mode == tfjson.DataResourceMode && (rc.Type == "scim_users" || rc.Type == "scim_groups") && isOrphanReport(after):
			// Read only at apply: its configuration refers to something
			// unknown at plan time (a resource with a planned change).
			if base := text(after["connected_app_id"]); base != "" {
				a := b.app(base)
				a.OrphansUnread = append(a.OrphansUnread, rc.Address)
			}
		}
	}
	if p.PriorState != nil && p.PriorState.Values != nil {
		for _, res := range stateResources(p.PriorState.Values.RootModule) {
			if ours(res.ProviderName, res.Type) {
				b.fromState(res)
			}
		}
	}
	rep := &Report{ReportVersion: Version, TerraformVersion: p.TerraformVersion, Apps: []App{}}
	for base, a := range b.apps {
		a.ManagedAccounts, a.Deprovisions = b.accounts[base].managed, b.accounts[base].deprovisions
		a.sort()
		if a.drifted() {
			rep.Drifted = true
		}
		rep.Apps = append(rep.Apps, *a)
	}
	sort.Slice(rep.Apps, func(i, j int) bool { return rep.Apps[i].BaseURL < rep.Apps[j].BaseURL })
	return rep, nil
}

func (a *App) drifted() bool {
	return len(a.Accounts)+len(a.Groups)+len(a.Memberships)+len(a.Capabilities)+len(a.SchemaProblems)+len(a.Orphans) > 0
}

func (a *App) sort() {
	slices.SortFunc(a.Accounts, func(x, y AccountDrift) int { return strings.Compare(x.Address, y.Address) })
	slices.SortFunc(a.Groups, func(x, y GroupDrift) int { return strings.Compare(x.Address, y.Address) })
	slices.SortFunc(a.Memberships, func(x, y MembershipDrift) int { return strings.Compare(x.Address, y.Address) })
	slices.SortFunc(a.SchemaProblems, func(x, y SchemaProblem) int {
		return strings.Compare(x.Address+"\x00"+x.Problem, y.Address+"\x00"+y.Problem)
	})
	slices.SortStableFunc(a.Orphans, func(x, y Orphan) int { return strings.Compare(x.Source, y.Source) })
	slices.SortFunc(a.Planned, func(x, y PlannedChange) int { return strings.Compare(x.Address, y.Address) })
}

type builder struct {
	apps map[string]*App
	// accounts counts, per app, the accounts in state the plan covers and
	// those it deprovisions; an app with nothing else to report gets no
	// entry for them.
	accounts map[string]accountCounts
}

type accountCounts struct{ managed, deprovisions int }

// app returns the entry of the app with that base URL, made on first use.
func (b *builder) app(baseURL string) *App {
	baseURL = strings.TrimRight(baseURL, "/")
	a, ok := b.apps[baseURL]
	if !ok {
		a = &App{
			BaseURL: baseURL, Accounts: []AccountDrift{}, Groups: []GroupDrift{}, Memberships: []MembershipDrift{},
			Capabilities: []ValueChange{}, SchemaProblems: []SchemaProblem{}, Orphans: []Orphan{}, OrphansUnread: []string{}, Planned: []PlannedChange{},
		}
		b.apps[baseURL] = a
	}
	return a
}

// appOf finds the app of a resource from its values: connected_app_id for
// resources of an app, id for the app itself.
func appOf(typ string, values ...map[string]any) string {
	key := "connected_app_id"
	if typ == "scim_connected_app" {
		key = "id"
	}
	for _, v := range values {
		if s := text(v[key]); s != "" {
			return s
		}
	}
	return ""
}

func (b *builder) drift(rc *tfjson.ResourceChange) {
	acts, before, after := changeValues(rc)
	base := appOf(rc.Type, before, after)
	if base == "" {
		return
	}
	deleted := slices.Contains(acts, tfjson.ActionDelete) && after == nil
	switch rc.Type {
	case "scim_provisioned_user":
		d := AccountDrift{Address: rc.Address, ID: text(before["id"]), UserName: text(before["user_name"]), Kind: KindChanged, Attributes: []ValueChange{}}
		if deleted {
			d.Kind = KindDeleted
		} else {
			d.Attributes = mapChanges(before["attributes"], after["attributes"], sensitivePaths(rc.Change, "attributes"))
			wasActive, isActive := boolean(before["active"], true), boolean(after["active"], true)
			switch {
			case wasActive && !isActive:
				d.Kind = KindDeactivated
			case !wasActive && isActive:
				d.Kind = KindReactivated
			case len(d.Attributes) == 0:
				return // nothing the report shows (a version, a location)
			}
		}
		a := b.app(base)
		a.Accounts = append(a.Accounts, d)
	case "scim_provisioned_group":
		d := GroupDrift{Address: rc.Address, ID: text(before["id"]), DisplayName: text(before["display_name"]), Kind: KindChanged,
			Attributes: []ValueChange{}, MembersAdded: []string{}, MembersRemoved: []string{}}
		if deleted {
			d.Kind = KindDeleted
		} else {
			for _, attr := range []string{"display_name", "external_id"} {
				if o, n := text(before[attr]), text(after[attr]); o != n {
					d.Attributes = append(d.Attributes, ValueChange{Path: attr, Old: o, New: n})
				}
			}
			was, is := stringList(before["members"]), stringList(after["members"])
			d.MembersAdded, d.MembersRemoved = minus(is, was), minus(was, is)
			if len(d.Attributes)+len(d.MembersAdded)+len(d.MembersRemoved) == 0 {
				return
			}
		}
		a := b.app(base)
		a.Groups = append(a.Groups, d)
	case "scim_group_member":
		if !deleted {
			return
		}
		a := b.app(base)
		a.Memberships = append(a.Memberships, MembershipDrift{Address: rc.Address, GroupID: text(before["group_id"]), MemberID: text(before["member_id"]), Kind: KindDeleted})
	case "scim_connected_app":
		a := b.app(base)
		if n := text(after["name"]); n != "" {
			a.Name = n
		}
		a.Capabilities = append(a.Capabilities, flatChanges("", before["capabilities"], after["capabilities"])...)
	}
}

func (b *builder) planned(rc *tfjson.ResourceChange) {
	acts, before, after := changeValues(rc)
	base := appOf(rc.Type, after, before)
	if base == "" {
		return
	}
	imported := rc.Change != nil && rc.Change.Importing != nil
	if rc.Type == "scim_provisioned_user" && before != nil {
		c := b.accounts[strings.TrimRight(base, "/")]
		c.managed++
		if deprovisions(acts, before, after) {
			c.deprovisions++
		}
		b.accounts[strings.TrimRight(base, "/")] = c
	}
	pc := PlannedChange{Address: rc.Address}
	switch rc.Type {
	case "scim_provisioned_user":
		pc.Kind, pc.Name = "account", firstText(after["user_name"], before["user_name"])
	case "scim_provisioned_group":
		pc.Kind, pc.Name = "group", firstText(after["display_name"], before["display_name"])
	case "scim_group_member":
		member := firstText(after["member_id"], before["member_id"])
		if member == "" {
			member = "(an account still to be created)"
		}
		pc.Kind, pc.Name = "membership", "member "+member+" of "+firstText(after["group_id"], before["group_id"])
	case "scim_connected_app":
		if n := firstText(after["name"], before["name"]); n != "" {
			b.app(base).Name = n
		}
		return
	default:
		return
	}
	switch {
	case slices.Contains(acts, tfjson.ActionDelete) && slices.Contains(acts, tfjson.ActionCreate):
		pc.Action = ActionReplace
	case acts.Create():
		pc.Action = ActionCreate
	case acts.Delete():
		switch text(before["deprovision"]) {
		case "abandon":
			pc.Action = ActionForget
		case "deactivate":
			pc.Action = ActionDeactivate
		default:
			pc.Action = ActionDelete
		}
	case acts.Update():
		pc.Action = ActionUpdate
		if pc.Kind == "account" {
			wasActive, isActive := boolean(before["active"], true), boolean(after["active"], true)
			switch {
			case wasActive && !isActive:
				pc.Action = ActionDeactivate
			case !wasActive && isActive:
				pc.Action = ActionReactivate
			}
			pc.Attributes = mapChanges(before["attributes"], after["attributes"], sensitivePaths(rc.Change, "attributes"))
		}
		if pc.Kind == "group" {
			was, is := stringList(before["members"]), stringList(after["members"])
			for _, m := range minus(is, was) {
				pc.Attributes = append(pc.Attributes, ValueChange{Path: "members", New: m})
			}
			for _, m := range minus(was, is) {
				pc.Attributes = append(pc.Attributes, ValueChange{Path: "members", Old: m})
			}
			for _, attr := range []string{"display_name", "external_id"} {
				if o, n := text(before[attr]), text(after[attr]); o != n && after[attr] != nil {
					pc.Attributes = append(pc.Attributes, ValueChange{Path: attr, Old: o, New: n})
				}
			}
		}
		if imported && len(pc.Attributes) == 0 {
			pc.Action = ActionImport
		}
	case acts.NoOp() && imported:
		pc.Action = ActionImport
	default:
		return // no-op, read
	}
	a := b.app(base)
	a.Planned = append(a.Planned, pc)
}

// fromState takes what the refreshed state says now: a mapping's schema
// problems, an app's name, and the orphans that scim_users and scim_groups
// data sources with exclude_ids listed.
func (b *builder) fromState(res *tfjson.StateResource) {
	v := res.AttributeValues
	switch {
	case res.Mode == tfjson.ManagedResourceMode && res.Type == "scim_connected_app":
		if base := text(v["id"]); base != "" {
			if n := text(v["name"]); n != "" {
				b.app(base).Name = n
			}
		}
	case res.Mode == tfjson.ManagedResourceMode && res.Type == "scim_attribute_mapping":
		problems := stringList(v["schema_problems"])
		if len(problems) == 0 {
			return
		}
		a := b.app(text(v["connected_app_id"]))
		for _, p := range problems {
			a.SchemaProblems = append(a.SchemaProblems, SchemaProblem{Address: res.Address, Problem: p})
		}
	case res.Mode == tfjson.DataResourceMode && (res.Type == "scim_users" || res.Type == "scim_groups"):
		if !isOrphanReport(v) {
			return // a listing, not an orphans report
		}
		key, name := "users", "user_name"
		if res.Type == "scim_groups" {
			key, name = "groups", "display_name"
		}
		entries, _ := v[key].([]any)
		if len(entries) == 0 {
			return
		}
		a := b.app(text(v["connected_app_id"]))
		for _, e := range entries {
			m, _ := e.(map[string]any)
			o := Orphan{Source: res.Address, ID: text(m["id"])}
			if name == "user_name" {
				o.UserName = text(m[name])
			} else {
				o.DisplayName = text(m[name])
			}
			a.Orphans = append(a.Orphans, o)
		}
	}
}

// isOrphanReport reports whether a scim_users or scim_groups data source
// excludes anything: a listing of what no resource manages.
func isOrphanReport(v map[string]any) bool {
	for _, k := range []string{"exclude_ids", "exclude_user_names", "exclude_display_names"} {
		if v[k] != nil {
			return true
		}
	}
	return false
}

// redacted stands for a value the plan marks sensitive, or a password.
const redacted = "(sensitive)"

// mapChanges compares two maps of text by key; keys in sensitive, and
// password attributes, show as redacted.
func mapChanges(before, after any, sensitive sensitiveKeys) []ValueChange {
	was, _ := before.(map[string]any)
	is, _ := after.(map[string]any)
	keys := map[string]bool{}
	for k := range was {
		keys[k] = true
	}
	for k := range is {
		keys[k] = true
	}
	out := []ValueChange{}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		o, n := text(was[k]), text(is[k])
		if o == n {
			continue
		}
		if sensitive.has(k) || isPassword(k) {
			o, n = redactNonEmpty(o), redactNonEmpty(n)
		}
		out = append(out, ValueChange{Path: k, Old: o, New: n})
	}
	return out
}

func redactNonEmpty(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

func isPassword(path string) bool {
	last := path[strings.LastIndexAny(path, ".:")+1:]
	return strings.EqualFold(last, "password")
}

// sensitiveKeys are the keys of a map attribute the plan marks sensitive.
type sensitiveKeys struct {
	all  bool
	keys map[string]bool
}

func (s sensitiveKeys) has(k string) bool { return s.all || s.keys[k] }

// sensitivePaths reads, from a change's before_sensitive and
// after_sensitive, which keys of the map attribute attr are marked
// sensitive (all of them when the attribute itself is). A marking that is
// neither true/false nor an object of true/false is ignored.
func sensitivePaths(c *tfjson.Change, attr string) sensitiveKeys {
	out := sensitiveKeys{keys: map[string]bool{}}
	if c == nil {
		return out
	}
	for _, marks := range []any{c.BeforeSensitive, c.AfterSensitive} {
		m, _ := marks.(map[string]any)
		switch marked := m[attr].(type) {
		case bool:
			out.all = out.all || marked
		case map[string]any:
			keys := map[string]bool{}
			for k, s := range marked {
				b, ok := s.(bool)
				if !ok {
					keys = nil
					break
				}
				if b {
					keys[k] = true
				}
			}
			maps.Copy(out.keys, keys)
		}
	}
	return out
}

// flatChanges compares two JSON values as flat text paths: objects by
// member, anything else by its JSON text.
func flatChanges(prefix string, before, after any) []ValueChange {
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok && aok {
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		var out []ValueChange
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, flatChanges(p, bm[k], am[k])...)
		}
		return out
	}
	if o, n := text(before), text(after); o != n && prefix != "" {
		return []ValueChange{{Path: prefix, Old: o, New: n}}
	}
	return nil
}

// text renders a JSON value as the report shows it: strings as they are,
// null as "", anything else as JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func firstText(vs ...any) string {
	for _, v := range vs {
		if s := text(v); s != "" {
			return s
		}
	}
	return ""
}

func boolean(v any, fallback bool) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	return fallback
}

// stringList reads a list of strings.
func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// minus is a without b, in a's order.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	out := []string{}
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// deprovisions reports whether a planned change of an account takes its
// access away: a destroy that deletes it, or deactivates it while active,
// or an update of active from true to false.
func deprovisions(acts tfjson.Actions, before, after map[string]any) bool {
	wasActive := boolean(before["active"], true)
	switch {
	case acts.Delete():
		switch text(before["deprovision"]) {
		case "abandon":
			return false
		case "deactivate":
			return wasActive
		default:
			return true
		}
	case acts.Update():
		return wasActive && !boolean(after["active"], true)
	}
	return false
}

// GuardLimits are the deprovisioning guard's thresholds, as the provider's
// deprovision_guard has them: more than MaxAccounts and more than
// MaxPercent of an app's managed accounts need an approval for at least
// that many (Approved, by base URL).
type GuardLimits struct {
	MaxAccounts int
	MaxPercent  int
	Approved    map[string]int
}

// GuardTrip is an app whose planned deprovisions pass the guard.
type GuardTrip struct {
	Deprovisions    int `json:"deprovisions"`
	ManagedAccounts int `json:"managed_accounts"`
	MaxAccounts     int `json:"max_accounts"`
	MaxPercent      int `json:"max_percent"`
}

// Guard marks the apps whose planned deprovisions pass the limits, and
// reports whether any does. Unlike the provider, which sees one account
// at a time, the report sees the whole plan: the share is of the accounts
// the plan covers in that app.
func (r *Report) Guard(l GuardLimits) bool {
	tripped := false
	for i := range r.Apps {
		a := &r.Apps[i]
		n := a.Deprovisions
		if n <= l.MaxAccounts || n*100 <= l.MaxPercent*a.ManagedAccounts {
			continue
		}
		if approved, ok := l.Approved[a.BaseURL]; ok && n <= approved {
			continue
		}
		a.DeprovisionGuard = &GuardTrip{Deprovisions: n, ManagedAccounts: a.ManagedAccounts, MaxAccounts: l.MaxAccounts, MaxPercent: l.MaxPercent}
		tripped = true
	}
	return tripped
}
