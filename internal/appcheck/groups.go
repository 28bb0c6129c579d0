package appcheck

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// nobodyID is a member id no app holds, for the members filter when the
// app lists no user to ask about.
const nobodyID = "scim-app-check-nobody"

// probeGroups reads one group: does it show its members? When it shows
// none, is `members eq "<user id>"` on /Groups answered? That is how an
// app that hides members (AWS IAM Identity Center) tells membership. When
// the app lists groups only with a filter, the members filter is tried
// all the same: it is then the one way to learn memberships.
func (c *checker) probeGroups(ctx context.Context, u user) {
	o := &c.rep.obs
	x := c.get(ctx, "/Groups", param{"count", "1"})
	f := Finding{ID: "groups.members", Title: "group members shown", Evidence: x.evidence()}
	mf := Finding{ID: "groups.member_filter", Title: "members filter on /Groups"}
	skip := func(why string) {
		mf.Result, mf.Detail, mf.Evidence = "not checked", why, x.evidence()
	}
	switch scimType, _ := x.scimError(); {
	case x.err != nil:
		f.Result = "no answer"
		skip("/Groups did not answer")
	case x.status == http.StatusNotFound || x.status == http.StatusNotImplemented:
		f.Result = "no groups endpoint"
		skip("the app has no /Groups")
	case x.status >= 400 && x.status < 500 && x.status != http.StatusForbidden && x.status != http.StatusTooManyRequests:
		f.Result = "refused"
		f.Detail = "the app refuses to list groups without a filter, so no group was read"
		if strings.EqualFold(scimType, "tooMany") {
			f.Detail = "the app lists groups only with a filter (tooMany), so no group was read"
		}
		o.groupsListing = no
		c.probeMemberFilter(ctx, &mf, u)
	case !x.ok():
		f.Result = "refused"
		skip("/Groups is refused")
	default:
		o.groupsListing = yes
		rs := resources(x.doc)
		f.Evidence += listed(x.doc, "group")
		if len(rs) == 0 {
			f.Result = "inconclusive"
			f.Detail = "the app lists no group"
			skip("the app lists no group")
			break
		}
		g := rs[0]
		members, _ := list(g, "members")
		f.Evidence += fmt.Sprintf(", group %s with %d members", strconv.Quote(str(g, "displayName")), len(members))
		if len(members) > 0 {
			f.Result = "yes"
			o.groupsNoMembers = no
			skip("the group shows its members")
			break
		}
		f.Result = "none shown"
		f.Detail = "the group may be empty, or the app hides members"
		o.groupsNoMembers = yes
		if u.id == "" {
			skip("the app lists no user to ask about")
			break
		}
		c.probeMemberFilter(ctx, &mf, u)
	}
	c.add(f)
	c.add(mf)
}

// probeMemberFilter asks /Groups for the groups u is a member of (a
// member no app holds when u is unknown): answered, or refused.
func (c *checker) probeMemberFilter(ctx context.Context, mf *Finding, u user) {
	o := &c.rep.obs
	id := u.id
	if id == "" {
		id = nobodyID
	}
	y := c.get(ctx, "/Groups", param{"filter", "members eq " + filterValue(id)}, param{"count", "1"})
	mf.Evidence = y.evidence()
	switch {
	case y.err != nil:
		mf.Result = "no answer"
	case y.ok():
		mf.Result = "works"
		o.memberFilter = yes
		mf.Evidence += listed(y.doc, "group")
		if u.id == "" {
			mf.Result = "accepted"
			mf.Detail = "asked about a member no app holds, as the app lists no user"
			break
		}
		if gs := resources(y.doc); len(gs) > 0 {
			if ms, _ := list(gs[0], "members"); len(ms) == 0 {
				mf.Detail = fmt.Sprintf("group %s matches the filter yet shows no members: the app hides members",
					strconv.Quote(str(gs[0], "displayName")))
			}
		}
	case y.status == http.StatusNotFound && u.id == "":
		// Some apps answer 404 for a member they do not know.
		mf.Result = "inconclusive"
		mf.Detail = "asked about a member no app holds, as the app lists no user: 404 may mean that member is unknown"
	case y.status >= 400 && y.status < 500:
		mf.Result = "refused"
		mf.Detail = "memberships cannot be read by filter"
		o.memberFilter = no
	default:
		mf.Result = "failed"
	}
}
