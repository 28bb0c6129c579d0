package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

const (
	defaultPageSize = 100
	// maxListPages stops a listing that keeps producing pages: a server
	// that ignores startIndex and returns ever-changing data would
	// otherwise page forever.
	maxListPages = 10000
)

// pageSize is the page size a listing asks for: count (default 100),
// capped by the discovered filter.maxResults when discovery has run.
func (c *Client) pageSize(count int) int {
	if count <= 0 {
		count = defaultPageSize
	}
	if d := c.cachedDiscovery(); d != nil && d.ServiceProviderConfig.Filter.MaxResults > 0 && count > d.ServiceProviderConfig.Filter.MaxResults {
		count = d.ServiceProviderConfig.Filter.MaxResults
	}
	if m := int(c.maxPageSize.Load()); m > 0 && count > m {
		count = m
	}
	return count
}

// pager reads a listing of one collection (RFC 7644 §3.4.2) by startIndex
// and count. It is the one way this package pages: List collects with it
// and batched reads (batch.go) read a first page and resume from there.
type pager struct {
	client *Client
	e      endpoint
	opts   ListOptions
}

func (col *Collection) pager(opts ListOptions) pager {
	return pager{client: col.client, e: col.e, opts: opts}
}

// collect pages from startIndex start to the end of the listing, skipping
// ids in seen (which it extends), so a listing can be resumed after its
// first page. It returns the resources and the total (see ListResult).
// An app that pages by cursor (Config.CursorPaging) is read from its
// first page by cursor, whatever start, the ids in seen skipped; an app
// that answers the next page by index with ids already seen although its
// totalResults says there is more (it ignores startIndex) is read again
// by cursor, once, and the client pages it by cursor from then on.
func (pg pager) collect(ctx context.Context, start int, seen map[string]bool) ([]Resource, int, error) {
	if seen == nil {
		seen = map[string]bool{}
	}
	if pg.client.cursorPaging.Load() {
		return pg.collectByCursor(ctx, seen)
	}
	before := make(map[string]bool, len(seen))
	for id := range seen {
		before[id] = true
	}
	out, total, stalled, err := pg.collectByIndex(ctx, start, seen)
	if err != nil || !stalled {
		return out, total, err
	}
	// The app ignored startIndex: try its cursor, from the start. An app
	// that refuses a cursor, or pages it no further, keeps the listing by
	// index, as far as it went.
	byCursor, cursorTotal, cerr := pg.collectByCursor(ctx, before)
	if cerr != nil {
		pg.client.log.Log(ctx, LogDebug, "SCIM listing: the app ignores startIndex and refused a cursor", map[string]any{"error": cerr.Error()})
		return out, total, nil //nolint:nilerr // the listing by index stands; the cursor was only a try
	}
	if len(byCursor) <= len(out) {
		return out, total, nil
	}
	pg.client.cursorPaging.Store(true)
	pg.client.log.Log(ctx, LogDebug, "SCIM listing: the app ignores startIndex; paging by cursor from now on", nil)
	return byCursor, cursorTotal, nil
}

// collectByCursor reads the whole listing by cursor, skipping the ids in
// seen (which it extends). The total is what was read, seen included.
func (pg pager) collectByCursor(ctx context.Context, seen map[string]bool) ([]Resource, int, error) {
	opts := pg.opts
	count := pg.client.pageSize(opts.Count)
	var out []Resource
	cursor := ""
	for page := 0; page < maxListPages; page++ {
		res, err := pg.fetch(ctx, position{cursor: &cursor}, count)
		if err != nil {
			return nil, 0, err
		}
		for _, r := range res.resources {
			if id := r.ID(); id != "" {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			out = append(out, r)
			if opts.Limit > 0 && len(out) >= opts.Limit {
				return out, len(seen), nil
			}
		}
		if res.nextCursor == "" || res.nextCursor == cursor {
			break
		}
		cursor = res.nextCursor
	}
	return out, len(seen), nil
}

// collectByIndex pages by startIndex; stalled reports a page that brought
// no new id while totalResults says more remain.
func (pg pager) collectByIndex(ctx context.Context, start int, seen map[string]bool) (out []Resource, total int, stalled bool, err error) {
	opts := pg.opts
	count := pg.client.pageSize(opts.Count)
	total = -1
	firstID := ""
	for page := 0; page < maxListPages; page++ {
		want := count
		if opts.Limit > 0 && opts.Limit-len(out) < want {
			want = opts.Limit - len(out)
		}
		resources, pageTotal, err := pg.page(ctx, start, want)
		if err != nil {
			return nil, 0, false, err
		}
		if pageTotal >= 0 {
			total = pageTotal
		}
		if len(resources) == 0 {
			break
		}
		added := 0
		for _, r := range resources {
			id := r.ID()
			if id != "" {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			out = append(out, r)
			added++
			if opts.Limit > 0 && len(out) >= opts.Limit {
				break
			}
		}
		if added == 0 {
			// The app answered the first page again (startIndex ignored):
			// it is the page first read, or, resuming, pages already seen.
			repeated := page == 0 || (len(resources) > 0 && resources[0].ID() == firstID)
			stalled = repeated && start > 1 && total > len(seen)
			break
		}
		if page == 0 && len(resources) > 0 {
			firstID = resources[0].ID()
		}
		if opts.Limit > 0 && len(out) >= opts.Limit {
			break
		}
		if total >= 0 && start-1+len(resources) >= total {
			break
		}
		if total < 0 && len(resources) < want {
			// Without totalResults a short page is the only end marker.
			break
		}
		start += len(resources)
	}
	if total < 0 {
		total = len(out)
	}
	return out, total, stalled, nil
}

// position is where a page begins: a startIndex, or a cursor (empty for
// the first page of a cursor listing).
type position struct {
	start  int
	cursor *string
}

// pageResult is one page: its resources (projected to the requested
// attributes when the app does not select them itself), totalResults (-1
// when the answer has none) and nextCursor.
type pageResult struct {
	resources  []Resource
	total      int
	nextCursor string
}

// page GETs one page of the collection by startIndex: the resources and
// totalResults, -1 when the answer has none. An app that pages by cursor
// answers a request without a cursor with its first page and its total.
func (pg pager) page(ctx context.Context, start, count int) ([]Resource, int, error) {
	res, err := pg.fetch(ctx, position{start: start}, count)
	return res.resources, res.total, err
}

// fetch GETs one page of the collection at pos.
func (pg pager) fetch(ctx context.Context, pos position, count int) (pageResult, error) {
	c, e, opts := pg.client, pg.e, pg.opts
	q := url.Values{}
	if opts.Filter != "" {
		q.Set("filter", opts.Filter)
	}
	if opts.SortBy != "" {
		q.Set("sortBy", opts.SortBy)
	}
	if opts.SortOrder != "" {
		q.Set("sortOrder", opts.SortOrder)
	}
	if pos.cursor != nil {
		q.Set("cursor", *pos.cursor)
	} else {
		q.Set("startIndex", strconv.Itoa(pos.start))
	}
	q.Set("count", strconv.Itoa(count))

	resp, raw, local, err := c.getProjected(ctx, e.path, q, opts.Attributes)
	if err != nil {
		return pageResult{}, err
	}
	var lr listResponse
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &lr); err != nil {
			return pageResult{}, &ResponseError{Method: http.MethodGet, URL: c.url(e.path, q), Status: resp.StatusCode,
				ContentType: resp.Header.Get("Content-Type"), Snippet: makeSnippet(raw, "application/json"), Reason: "invalid list response: " + err.Error()}
		}
	}
	total := -1
	if _, hasTotal := lookupFold(rawKeys(raw), "totalResults"); hasTotal {
		total = lr.TotalResults
	}
	if local {
		for i, r := range lr.Resources {
			lr.Resources[i] = projectResource(r, opts.Attributes)
		}
	}
	return pageResult{resources: lr.Resources, total: total, nextCursor: lr.NextCursor}, nil
}
