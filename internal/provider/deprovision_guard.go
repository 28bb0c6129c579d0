package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/openscim/terraform-provider-scim/internal/lifecycle"
	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// The guard against mass deprovisioning. An emptied people file, a bad
// merge or a wrong for_each filter plans the deactivation of every account
// of every app; as Microsoft Entra's provisioning holds "accidental
// deletions" above a threshold until someone approves them, a plan that
// would deactivate or delete more than max_accounts of one app's accounts,
// and more than max_percent of them, fails until that number is approved
// for the app.
//
// Terraform plans each account on its own, so the guard counts, per app
// and per command (the clientFactory lives for one command), the
// deprovisions planned so far: a destroy whose deprovision is deactivate
// or delete (a removal from the configuration or `terraform destroy`), and
// `active` going from true to false. The share is of the active accounts
// the app holds (its totalResults, read once per app per command; all its
// accounts where it cannot filter by active) or of those the command has
// planned so far, whichever is larger, so the count of a plan can only trip
// it, never a guess about the rest of the plan.

// EnvApproveDeprovisioning approves deprovisioning for one command:
// "<base_url>=<count>", comma-separated for several apps.
const EnvApproveDeprovisioning = "SCIM_APPROVE_DEPROVISIONING"

const (
	defaultGuardMaxAccounts = 10
	defaultGuardMaxPercent  = 25
)

// guardSettings are the thresholds and the approvals, from the provider
// block and the environment.
type guardSettings struct {
	maxAccounts int
	maxPercent  int
	// approved is how many deprovisions are approved per app (by base URL).
	approved map[string]int
}

type deprovisionGuard struct {
	settings guardSettings

	mu   sync.Mutex
	apps map[string]*appDeprovisions
}

type appDeprovisions struct {
	planned      int // accounts of the app planned in this command
	deprovisions int
	totalOnce    sync.Once
	total        int
}

func newDeprovisionGuard(s guardSettings) *deprovisionGuard {
	return &deprovisionGuard{settings: s, apps: map[string]*appDeprovisions{}}
}

func (g *deprovisionGuard) app(baseURL string) *appDeprovisions {
	g.mu.Lock()
	defer g.mu.Unlock()
	a, ok := g.apps[baseURL]
	if !ok {
		a = &appDeprovisions{}
		g.apps[baseURL] = a
	}
	return a
}

// planned records one account of the app planned in this command.
func (g *deprovisionGuard) planned(baseURL string) {
	a := g.app(baseURL)
	g.mu.Lock()
	a.planned++
	g.mu.Unlock()
}

// deprovision records one more planned deprovision in app (whose accounts
// this command plans) and fails it when the app's count passes the
// guard's thresholds without an approval for at least that many.
func (g *deprovisionGuard) deprovision(ctx context.Context, app *lifecycle.App, what string) diag.Diagnostics {
	a := g.app(app.BaseURL)
	a.totalOnce.Do(func() { a.total = activeAccountCount(ctx, app) })
	g.mu.Lock()
	a.planned++
	a.deprovisions++
	n, of := a.deprovisions, max(a.planned, a.total)
	g.mu.Unlock()

	s := g.settings
	if n <= s.maxAccounts || n*100 <= s.maxPercent*of {
		return nil
	}
	if approved, ok := s.approved[app.BaseURL]; ok && n <= approved {
		return nil
	}
	var diags diag.Diagnostics
	diags.AddError("Mass Deprovisioning Refused",
		fmt.Sprintf("This plan would %s, and with it deprovision (deactivate or delete) at least %d of the %d accounts of the app at %s: "+
			"more than the guard allows without approval (%d accounts and %d%% of an app's accounts). An emptied people list, a bad "+
			"merge or a wrong for_each filter looks like this. Nothing was changed.\n\n"+
			"If it is intended, approve the plan's deprovisions for this app in this run, then plan again and review the plan. The plan "+
			"reports one such error for each account past the limit; the largest count among them is the plan's whole number "+
			"(here, so far, %d):\n"+
			"  %s='%s=%d' terraform plan\n"+
			"or, reviewably in the configuration, in the provider block:\n"+
			"  deprovision_guard = { approve = { %q = %d } }\n"+
			"(remove it after the run). The count covers removals from the configuration, `active = false` and `terraform destroy`.",
			what, n, of, app.BaseURL, s.maxAccounts, s.maxPercent, n, EnvApproveDeprovisioning, app.BaseURL, n, app.BaseURL, n))
	return diags
}

// parseApprovals reads "<base_url>=<count>[,<base_url>=<count>]".
func parseApprovals(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.LastIndex(part, "=")
		if i < 0 {
			return nil, fmt.Errorf("%q is not <base_url>=<count>", part)
		}
		n, err := strconv.Atoi(strings.TrimSpace(part[i+1:]))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q: the count must be a whole number of accounts", part)
		}
		u, err := normalizeBaseURL(strings.TrimSpace(part[:i]))
		if err != nil {
			return nil, fmt.Errorf("%q: %v", part, err)
		}
		out[u] = n
	}
	return out, nil
}

// guardFromConfig is the guard's settings: the provider block's, with the
// approvals of the environment added (and taking precedence).
func guardFromConfig(ctx context.Context, m *guardModel, env string) (guardSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := guardSettings{maxAccounts: defaultGuardMaxAccounts, maxPercent: defaultGuardMaxPercent, approved: map[string]int{}}
	if m != nil {
		if !m.MaxAccounts.IsNull() && !m.MaxAccounts.IsUnknown() {
			s.maxAccounts = int(m.MaxAccounts.ValueInt64())
		}
		if !m.MaxPercent.IsNull() && !m.MaxPercent.IsUnknown() {
			s.maxPercent = int(m.MaxPercent.ValueInt64())
		}
		if !m.Approve.IsNull() && !m.Approve.IsUnknown() {
			approve := map[string]int64{}
			diags.Append(m.Approve.ElementsAs(ctx, &approve, false)...)
			for u, n := range approve {
				base, err := normalizeBaseURL(u)
				if err != nil {
					diags.AddAttributeError(path.Root("deprovision_guard").AtName("approve"), "Invalid Deprovisioning Approval",
						fmt.Sprintf("%q is not an app's base URL: %v", u, err))
					continue
				}
				s.approved[base] = int(n)
			}
		}
	}
	fromEnv, err := parseApprovals(env)
	if err != nil {
		diags.AddError("Invalid "+EnvApproveDeprovisioning+" Environment Variable", err.Error())
	}
	for u, n := range fromEnv {
		s.approved[u] = n
	}
	return s, diags
}

// activeAccountCount is how many active accounts the app holds, the share's
// base: deactivated accounts pile up (deactivate is the default), and
// counting them would let a plan take away most of the active ones
// unnoticed. An app that cannot filter by active gives its total; a
// failed count gives 0, leaving the share to the accounts this command
// plans.
func activeAccountCount(ctx context.Context, app *lifecycle.App) int {
	users := app.Client.Users()
	one := scim.ListOptions{Count: 1, Limit: 1, Attributes: []string{"id"}}
	active := one
	active.Filter = "active eq true"
	if res, err := users.List(ctx, active); err == nil {
		return res.Total
	}
	if res, err := users.List(ctx, one); err == nil {
		return res.Total
	}
	return 0
}
