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
func (pg pager) collect(ctx context.Context, start int, seen map[string]bool) ([]Resource, int, error) {
	opts := pg.opts
	count := pg.client.pageSize(opts.Count)
	if seen == nil {
		seen = map[string]bool{}
	}
	var (
		out   []Resource
		total = -1
	)
	for page := 0; page < maxListPages; page++ {
		want := count
		if opts.Limit > 0 && opts.Limit-len(out) < want {
			want = opts.Limit - len(out)
		}
		resources, pageTotal, err := pg.page(ctx, start, want)
		if err != nil {
			return nil, 0, err
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
			break
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
	return out, total, nil
}

// page GETs one page of the collection: the resources (projected to
// opts.Attributes when the app does not select them itself) and
// totalResults, -1 when the answer has none.
func (pg pager) page(ctx context.Context, start, count int) ([]Resource, int, error) {
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
	q.Set("startIndex", strconv.Itoa(start))
	q.Set("count", strconv.Itoa(count))

	resp, raw, local, err := c.getProjected(ctx, e.path, q, opts.Attributes)
	if err != nil {
		return nil, 0, err
	}
	var lr listResponse
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &lr); err != nil {
			return nil, 0, &ResponseError{Method: http.MethodGet, URL: c.url(e.path, q), Status: resp.StatusCode,
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
	return lr.Resources, total, nil
}
