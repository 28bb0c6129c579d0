package scim

import (
	"context"
	"sort"
	"strings"
	"sync"
)

// Batched reads: within one Terraform command the provider refreshes every
// account of an app, one Read at a time per resource, a few at once. Reading
// them one GET each costs N requests; reading the app's listing costs
// ceil(T/page) for an app with T accounts. GetFromListing serves refreshes from
// the listing when that is cheaper, and never makes a result depend on it:
//
//   - The listing is a cache of this Client, which the provider builds anew
//     for every Terraform command: nothing read in one command is trusted in
//     the next.
//   - An account missing from a listing, or written through this Client
//     since (PATCH, PUT, DELETE, POST), is read by itself with Get, so
//     deletion, re-creation and the Client's own writes are seen as they are.
//   - Whether to list is decided by cost, like renting before buying: the
//     first page is read (it tells totalResults); when the app holds more,
//     misses are read one by one until they have cost as many requests as
//     the rest of the listing would, and only then is the rest listed. So an
//     app that holds far more accounts than Terraform manages is read about
//     one GET per managed account, never a full listing, and an app that
//     holds about what Terraform manages is read in a few pages.

// batchPageSize is the page a batched listing asks for; the app's
// filter.maxResults caps it, and apps may send fewer.
const batchPageSize = 500

// batches holds the listings of one Client, one per endpoint and set of
// requested attributes (accounts of one app usually share one mapping).
type batches struct {
	mu       sync.Mutex
	disabled bool
	listings map[string]*listing
	// written are the resources (endpoint path and id) this Client wrote
	// since their listing was read.
	written map[string]bool
	// posted are the userNames (endpoint path and lower-cased userName)
	// this Client sent a create for: a listing read before cannot tell
	// whether they exist.
	posted map[string]bool
}

// listing is an endpoint's resources as listed with one set of attributes.
type listing struct {
	attrs []string

	mu      sync.Mutex
	started bool
	// loading is closed when the fetch in flight ends; nil when none is.
	loading chan struct{}
	err     error
	byID    map[string]Resource
	seen    map[string]bool
	// next is the startIndex where the rest of the listing begins; 0 once
	// the listing is complete.
	next int
	// remaining is how many requests the rest of the listing would cost.
	remaining int
	// misses counts reads served one by one while the listing was partial.
	misses int
	// pageLen is the page size the app actually served.
	pageLen int
	// byUserName indexes a complete listing by lower-cased userName; built
	// on the first FindFromListing after the listing completes.
	byUserName map[string][]Resource
}

// DisableBatchReads makes GetFromListing read every resource by itself, for an app
// whose listings return less than reading an account does.
func (c *Client) DisableBatchReads() {
	c.batches.mu.Lock()
	defer c.batches.mu.Unlock()
	c.batches.disabled = true
}

// GetFromListing reads one resource for a refresh, as Get would, from the
// app's listing when that is cheaper (see above). The returned resource may
// be shared with other readers: treat it as read-only. A 404 comes back as
// from Get. A group asked for with its members is read by itself: a page of
// groups with their members could carry every membership of the app in one
// answer.
func (col *Collection) GetFromListing(ctx context.Context, id string, opts ReadOptions) (Resource, error) {
	c, e := col.client, col.e
	if e.readAloneWith != "" {
		for _, a := range opts.Attributes {
			if strings.EqualFold(a, e.readAloneWith) {
				return col.Get(ctx, id, opts)
			}
		}
	}
	if id == "" {
		return nil, e.errEmptyID("GET")
	}
	l := c.batches.listingFor(e, opts.Attributes)
	if l == nil || c.batches.wasWritten(e, id) {
		return col.Get(ctx, id, opts)
	}
	for {
		res, state, wait := l.lookup(ctx, col, id)
		switch state {
		case listed:
			return res, nil
		case readAlone:
			return col.Get(ctx, id, opts)
		case waitFor:
			select {
			case <-wait:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
}

// FindFromListing is Find by userName for a plan's preview (will a create
// link an account that exists?), answered from the same listing a refresh
// reads when that is cheaper, rented before bought as GetFromListing is: a
// plan of N creates costs a few pages instead of N filtered GETs. Only a
// preview may use it; an apply's lookups always ask the app. A userName
// this Client sent a create for, or a match this Client wrote since the
// listing, is looked up in the app; so is any other attribute. userName is
// compared case-insensitively (RFC 7643 §4.1.1: caseExact false).
func (col *Collection) FindFromListing(ctx context.Context, attr, value string, opts ReadOptions) ([]Resource, error) {
	c, e := col.client, col.e
	if !strings.EqualFold(attr, "userName") || value == "" || c.batches.wasPosted(e, value) {
		return col.Find(ctx, attr, value, opts)
	}
	l := c.batches.listingFor(e, opts.Attributes)
	if l == nil {
		return col.Find(ctx, attr, value, opts)
	}
	for {
		found, state, wait := l.find(ctx, col, value)
		switch state {
		case listed:
			for _, r := range found {
				if c.batches.wasWritten(e, r.ID()) {
					return col.Find(ctx, attr, value, opts)
				}
			}
			return found, nil
		case readAlone:
			return col.Find(ctx, attr, value, opts)
		case waitFor:
			select {
			case <-wait:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
}

type lookupState int

const (
	listed    lookupState = iota // found in the listing
	readAlone                    // read it by itself
	waitFor                      // a fetch is in flight: wait, then look again
)

func attributesKey(attributes []string) string {
	k := make([]string, len(attributes))
	for i, a := range attributes {
		k[i] = strings.ToLower(a)
	}
	sort.Strings(k)
	return strings.Join(k, ",")
}

func (b *batches) listingFor(e endpoint, attributes []string) *listing {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.disabled {
		return nil
	}
	if b.listings == nil {
		b.listings = map[string]*listing{}
	}
	key := e.path + " " + attributesKey(attributes)
	l, ok := b.listings[key]
	if !ok {
		l = &listing{attrs: append([]string(nil), attributes...)}
		b.listings[key] = l
	}
	return l
}

// invalidate marks a resource written by this Client: its listed copy is
// stale.
func (b *batches) invalidate(e endpoint, id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written == nil {
		b.written = map[string]bool{}
	}
	b.written[e.item(id)] = true
}

// post records a create this Client is sending.
func (b *batches) post(e endpoint, userName string) {
	if userName == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.posted == nil {
		b.posted = map[string]bool{}
	}
	b.posted[e.path+" "+strings.ToLower(userName)] = true
}

func (b *batches) wasPosted(e endpoint, userName string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.posted[e.path+" "+strings.ToLower(userName)]
}

func (b *batches) wasWritten(e endpoint, id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.written[e.item(id)]
}

// lookup finds id in the listing, starting a fetch when one is due.
func (l *listing) lookup(ctx context.Context, col *Collection, id string) (Resource, lookupState, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait, ok := l.due(ctx, col); ok {
		return nil, waitFor, wait
	}
	if res, ok := l.byID[id]; ok {
		return res, listed, nil
	}
	if l.err != nil {
		// The listing failed (an app that cannot list, or not with these
		// attributes): the rest is read one by one, and each read reports
		// its own error.
		return nil, readAlone, nil
	}
	if l.next == 0 {
		return nil, readAlone, nil
	}
	state, wait := l.miss(ctx, col)
	return nil, state, wait
}

// find answers a lookup by userName from a complete listing, starting a
// fetch when one is due; a lookup while the listing is partial counts as a
// miss, as in lookup.
func (l *listing) find(ctx context.Context, col *Collection, userName string) ([]Resource, lookupState, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait, ok := l.due(ctx, col); ok {
		return nil, waitFor, wait
	}
	if l.err != nil {
		return nil, readAlone, nil
	}
	if l.next == 0 {
		if l.byUserName == nil {
			l.byUserName = make(map[string][]Resource, len(l.byID))
			for _, r := range l.byID {
				if un, ok := r["userName"].(string); ok {
					k := strings.ToLower(un)
					l.byUserName[k] = append(l.byUserName[k], r)
				}
			}
		}
		return l.byUserName[strings.ToLower(userName)], listed, nil
	}
	state, wait := l.miss(ctx, col)
	return nil, state, wait
}

// due, with l.mu held, starts the first fetch or finds one in flight: the
// channel to wait on, and true, when the caller must wait.
func (l *listing) due(ctx context.Context, col *Collection) (<-chan struct{}, bool) {
	if l.loading != nil {
		return l.loading, true
	}
	if !l.started {
		l.started = true
		return l.fetch(ctx, col, true), true
	}
	return nil, false
}

// miss, with l.mu held, counts a lookup the partial listing cannot answer:
// read alone until the misses have cost as much as the rest of the
// listing, which is then fetched.
func (l *listing) miss(ctx context.Context, col *Collection) (lookupState, <-chan struct{}) {
	l.misses++
	if l.misses <= l.remaining {
		return readAlone, nil
	}
	return waitFor, l.fetch(ctx, col, false)
}

// fetch starts reading the first page (first) or the rest of the listing
// in the background of the caller, with l.mu held; it returns the channel
// closed when it ends. The fetch runs under the caller's context: if that
// ends first, the error is recorded and later reads go one by one.
func (l *listing) fetch(ctx context.Context, col *Collection, first bool) <-chan struct{} {
	done := make(chan struct{})
	l.loading = done
	go func() {
		defer close(done)
		pg := col.pager(ListOptions{Attributes: l.attrs, Count: batchPageSize})
		var (
			got   []Resource
			total int
			err   error
			start = 1
			seen  = map[string]bool{}
		)
		if first {
			got, total, err = pg.page(ctx, start, col.client.pageSize(batchPageSize))
			for _, r := range got {
				seen[r.ID()] = true
			}
		} else {
			l.mu.Lock()
			start, seen = l.next, l.seen
			l.mu.Unlock()
			got, total, err = pg.collect(ctx, start, seen)
		}

		l.mu.Lock()
		defer l.mu.Unlock()
		l.loading = nil
		if err != nil {
			l.err = err
			col.client.log.Log(ctx, LogDebug, "SCIM batched read: listing failed, reading accounts one by one", map[string]any{"error": err.Error()})
			return
		}
		if l.byID == nil {
			l.byID = map[string]Resource{}
		}
		for _, r := range got {
			if r.ID() != "" {
				l.byID[r.ID()] = r
			}
		}
		l.seen = seen
		if !first {
			l.next = 0
			return
		}
		l.pageLen = len(got)
		listedSoFar := start - 1 + len(got)
		if len(got) == 0 || total <= listedSoFar {
			l.next = 0
			return
		}
		l.next = listedSoFar + 1
		l.remaining = (total - listedSoFar + l.pageLen - 1) / l.pageLen
	}()
	return done
}
