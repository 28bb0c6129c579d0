package appcheck

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// probeGroups reads one group: does it show its members? When it shows
// none, is `members eq "<user id>"` on /Groups answered? That is how an
// app that hides members (AWS IAM Identity Center) tells membership.
func (c *checker) probeGroups(ctx context.Context, u user) {
	o := &c.rep.obs
	x := c.get(ctx, "/Groups", param{"count", "1"})
	f := Finding{ID: "groups.members", Title: "group members shown", Evidence: x.evidence()}
	mf := Finding{ID: "groups.member_filter", Title: "members filter on /Groups"}
	skip := func(why string) {
		mf.Result, mf.Detail, mf.Evidence = "not checked", why, x.evidence()
	}
	switch {
	case x.err != nil:
		f.Result = "no answer"
		skip("/Groups did not answer")
	case x.status == http.StatusNotFound || x.status == http.StatusNotImplemented:
		f.Result = "no groups endpoint"
		skip("the app has no /Groups")
	case !x.ok():
		f.Result = "refused"
		skip("/Groups is refused")
	default:
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
		y := c.get(ctx, "/Groups", param{"filter", "members eq " + filterValue(u.id)}, param{"count", "1"})
		mf.Evidence = y.evidence()
		switch {
		case y.err != nil:
			mf.Result = "no answer"
		case y.ok():
			mf.Result = "works"
			o.memberFilter = yes
			mf.Evidence += listed(y.doc, "group")
			if gs := resources(y.doc); len(gs) > 0 {
				if ms, _ := list(gs[0], "members"); len(ms) == 0 {
					mf.Detail = fmt.Sprintf("group %s matches the filter yet shows no members: the app hides members",
						strconv.Quote(str(gs[0], "displayName")))
				}
			}
		default:
			mf.Result = "refused"
			o.memberFilter = no
		}
	}
	c.add(f)
	c.add(mf)
}
