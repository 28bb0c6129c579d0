package scim

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Apps whose groups do not show their members (Config.GroupMembersByFilter).
// AWS IAM Identity Center answers GetGroup and ListGroups with an empty
// member list and tells membership only through ListGroups with a member
// filter ("GetGroup and ListGroups return an empty member list. To see group
// info for a certain member, call ListGroups with a member filter.",
// https://docs.aws.amazon.com/singlesignon/latest/developerguide/listgroups.html).
// A client that believed the empty list would plan to add every member on
// every run, never plan a removal, and never see a member added in the app.
//
// So for such an app a group read that asks for "members" gets them from a
// membership index of the app, built once per Client (one Terraform
// command): every account of the app is listed, and for each one the
// groups that hold it are listed with `members eq "<id>"`. That costs one
// request per account plus the listing, whatever the number of groups, and
// it is the only way the app allows to see a member added outside
// Terraform. The Client's own member changes update the index as they
// succeed, so reads after a write see it.

// membersFilterConcurrency bounds the member-filter listings in flight.
const membersFilterConcurrency = 8

// memberIndex is the app's group memberships, by group id.
type memberIndex struct {
	mu      sync.Mutex
	built   bool
	loading chan struct{}
	byGroup map[string][]string
}

// membersOf returns the members of groupID, building the index first.
func (g *GroupCollection) membersOf(ctx context.Context, groupID string) ([]string, error) {
	idx := &g.client.members
	for {
		idx.mu.Lock()
		if idx.built {
			defer idx.mu.Unlock()
			return slices.Clone(idx.byGroup[groupID]), nil
		}
		if idx.loading == nil {
			done := make(chan struct{})
			idx.loading = done
			idx.mu.Unlock()
			byGroup, err := g.buildMemberIndex(ctx)
			idx.mu.Lock()
			idx.loading = nil
			if err == nil {
				idx.byGroup, idx.built = byGroup, true
			}
			idx.mu.Unlock()
			close(done)
			if err != nil {
				return nil, err
			}
			continue
		}
		wait := idx.loading
		idx.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// buildMemberIndex lists the app's accounts, then the groups of each.
func (g *GroupCollection) buildMemberIndex(ctx context.Context) (map[string][]string, error) {
	users, err := g.client.Users().List(ctx, ListOptions{Attributes: []string{"id"}})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		byGroup  = map[string][]string{}
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, membersFilterConcurrency)
	)
	for _, u := range users.Resources {
		id := u.ID()
		if id == "" {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			groups, err := g.Collection.List(ctx, ListOptions{Filter: EqFilter("members", id), Attributes: []string{"id"}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case IsNotFound(err):
				// Deleted since it was listed (the app answers 404 for an
				// unknown member): a member of nothing.
			case err != nil:
				if firstErr == nil {
					firstErr = err
					cancel()
				}
			default:
				for _, gr := range groups.Resources {
					byGroup[gr.ID()] = append(byGroup[gr.ID()], id)
				}
			}
		}()
	}
	wg.Wait()
	return byGroup, firstErr
}

// noteMembers records a member change this Client made to a group (or the
// group's members as a create or replace set them, with replace true), for
// an index already built.
func (g *GroupCollection) noteMembers(groupID string, add, remove []string, replace bool) {
	if !g.client.membersByFilter.Load() {
		return
	}
	idx := &g.client.members
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if !idx.built {
		return
	}
	cur := idx.byGroup[groupID]
	if replace {
		cur = nil
	}
	for _, id := range add {
		if !slices.Contains(cur, id) {
			cur = append(cur, id)
		}
	}
	cur = slices.DeleteFunc(cur, func(id string) bool { return slices.Contains(remove, id) })
	idx.byGroup[groupID] = cur
}

// withMembers fills a group read from an app that hides members with its
// members from the index, when the read asked for them.
func (g *GroupCollection) withMembers(ctx context.Context, res Resource, opts ReadOptions) (Resource, error) {
	if !g.client.membersByFilter.Load() || res == nil || !asksFor(opts.Attributes, "members") {
		return res, nil
	}
	members, err := g.membersOf(ctx, res.ID())
	if err != nil {
		return nil, err
	}
	out := make(Resource, len(res)+1)
	for k, v := range res {
		if !strings.EqualFold(k, "members") {
			out[k] = v
		}
	}
	out["members"] = memberValues(members)
	return out, nil
}

// asksFor reports whether attributes (nil: all) include name.
func asksFor(attributes []string, name string) bool {
	if len(attributes) == 0 {
		return true
	}
	return slices.ContainsFunc(attributes, func(a string) bool { return strings.EqualFold(a, name) })
}

// Get reads one group (Collection.Get), its members from the membership
// index where the app hides them.
func (g *GroupCollection) Get(ctx context.Context, id string, opts ReadOptions) (Resource, error) {
	res, err := g.Collection.Get(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return g.withMembers(ctx, res, opts)
}

// GetFromListing reads one group for a refresh (Collection.GetFromListing),
// its members from the membership index where the app hides them.
func (g *GroupCollection) GetFromListing(ctx context.Context, id string, opts ReadOptions) (Resource, error) {
	res, err := g.Collection.GetFromListing(ctx, id, opts)
	if err != nil {
		return nil, err
	}
	return g.withMembers(ctx, res, opts)
}

// Find looks groups up (Collection.Find), their members from the
// membership index where the app hides them.
func (g *GroupCollection) Find(ctx context.Context, attr, value string, opts ReadOptions) ([]Resource, error) {
	found, err := g.Collection.Find(ctx, attr, value, opts)
	if err != nil {
		return nil, err
	}
	for i, r := range found {
		if found[i], err = g.withMembers(ctx, r, opts); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// List lists groups (Collection.List), their members from the membership
// index where the app hides them and the listing asks for them.
func (g *GroupCollection) List(ctx context.Context, opts ListOptions) (ListResult, error) {
	got, err := g.Collection.List(ctx, opts)
	if err != nil {
		return got, err
	}
	for i, r := range got.Resources {
		if got.Resources[i], err = g.withMembers(ctx, r, ReadOptions{Attributes: opts.Attributes}); err != nil {
			return ListResult{}, err
		}
	}
	return got, nil
}

// Create makes a group (Collection.Create) and records its members.
func (g *GroupCollection) Create(ctx context.Context, in Resource) (Resource, error) {
	res, err := g.Collection.Create(ctx, in)
	if err == nil && res != nil {
		g.noteMembers(res.ID(), GroupMemberIDs(in), nil, true)
	}
	return res, err
}

// Replace PUTs a group (Collection.Replace) and records its members.
func (g *GroupCollection) Replace(ctx context.Context, id string, in Resource, opts WriteOptions) (Resource, error) {
	res, err := g.Collection.Replace(ctx, id, in, opts)
	if err == nil {
		g.noteMembers(id, GroupMemberIDs(in), nil, true)
	}
	return res, err
}

// Patch PATCHes a group (Collection.Patch) and records the member changes
// its operations make.
func (g *GroupCollection) Patch(ctx context.Context, id string, ops []PatchOp, opts WriteOptions) (Resource, error) {
	res, err := g.Collection.Patch(ctx, id, ops, opts)
	if err == nil {
		for _, op := range ops {
			add, remove, replace := memberChange(op)
			g.noteMembers(id, add, remove, replace)
		}
	}
	return res, err
}

// Delete removes a group (Collection.Delete) from the index too.
func (g *GroupCollection) Delete(ctx context.Context, id string, opts WriteOptions) error {
	err := g.Collection.Delete(ctx, id, opts)
	if err == nil {
		g.noteMembers(id, nil, nil, true)
	}
	return err
}

// memberChange is what a PATCH operation does to a group's members: the
// forms MemberPatches sends (add or remove on "members" with values, remove
// on members[value eq "id"], replace of "members").
func memberChange(op PatchOp) (add, remove []string, replace bool) {
	path := strings.TrimSpace(op.Path)
	values := GroupMemberIDs(Resource{"members": op.Value})
	switch {
	case strings.EqualFold(path, "members"):
		switch strings.ToLower(op.Op) {
		case PatchAdd:
			return values, nil, false
		case PatchRemove:
			if op.Value == nil {
				return nil, nil, true
			}
			return nil, values, false
		case PatchReplace:
			return values, nil, true
		}
	case strings.HasPrefix(strings.ToLower(path), "members[") && strings.EqualFold(op.Op, PatchRemove):
		if v, ok := memberFilterValue(path); ok {
			return nil, []string{v}, false
		}
	}
	return nil, nil, false
}

// memberFilterValue is "id" of members[value eq "id"].
func memberFilterValue(path string) (string, bool) {
	i := strings.Index(path, `"`)
	j := strings.LastIndex(path, `"`)
	if i < 0 || j <= i {
		return "", false
	}
	return strings.ReplaceAll(path[i+1:j], `\"`, `"`), true
}
