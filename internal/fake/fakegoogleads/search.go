package fakegoogleads

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// fields maps each GAQL field the fake knows to the JSON path of its value
// in a result row (proto3 JSON: lowerCamelCase, int64 as strings). Every
// field can be selected from campaign_label (campaign, customer and label
// are its attributed resources); label and campaign_label fields only
// from campaign_label.
var fields = map[string][2]string{
	"label.name":                    {"label", "name"},
	"label.resource_name":           {"label", "resourceName"},
	"campaign_label.resource_name":  {"campaignLabel", "resourceName"},
	"campaign.id":                   {"campaign", "id"},
	"campaign.name":                 {"campaign", "name"},
	"campaign.status":               {"campaign", "status"},
	"campaign.resource_name":        {"campaign", "resourceName"},
	"campaign_budget.amount_micros": {"campaignBudget", "amountMicros"},
	"customer.id":                   {"customer", "id"},
	"customer.currency_code":        {"customer", "currencyCode"},
}

var (
	queryShape = regexp.MustCompile(`(?is)^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+[\w.]+(?:\s+(?:ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?\s*$`)
	condShape  = regexp.MustCompile(`(?is)^\s*([\w.]+)\s*(=|!=|IN|NOT\s+IN)\s*(.+?)\s*$`)
	andSplit   = regexp.MustCompile(`(?i)\s+AND\s+`)
)

type condition struct {
	field  string
	negate bool
	values []string
}

type query struct {
	from   string // campaign or campaign_label
	fields []string
	conds  []condition
	limit  int
}

// parseQuery reads the subset of GAQL the bot needs; anything else is a
// queryError, as the API answers for what it cannot parse.
func parseQuery(q string) (query, *adsError) {
	m := queryShape.FindStringSubmatch(q)
	if m == nil {
		return query{}, queryError("UNEXPECTED_INPUT", "Error in query: unexpected input.")
	}
	out := query{from: strings.ToLower(m[2])}
	if out.from != "campaign" && out.from != "campaign_label" {
		return query{}, queryError("INVALID_RESOURCE_NAME", fmt.Sprintf("Error in FROM clause: fake supports only 'campaign' and 'campaign_label', not '%s'.", m[2]))
	}
	for f := range strings.SplitSeq(m[1], ",") {
		f = strings.TrimSpace(f)
		if _, ok := fields[f]; !ok {
			return query{}, queryError("UNRECOGNIZED_FIELD", fmt.Sprintf("Error in SELECT clause: unrecognized field '%s'.", f))
		}
		if out.from == "campaign" && (strings.HasPrefix(f, "label.") || strings.HasPrefix(f, "campaign_label.")) {
			return query{}, queryError("PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE",
				fmt.Sprintf("Error in SELECT clause: '%s' cannot be selected from 'campaign'.", f))
		}
		out.fields = append(out.fields, f)
	}
	if m[3] != "" {
		for _, c := range andSplit.Split(m[3], -1) {
			cm := condShape.FindStringSubmatch(c)
			if cm == nil {
				return query{}, queryError("UNEXPECTED_INPUT", "Error in WHERE clause: unexpected input "+strconv.Quote(c)+".")
			}
			if _, ok := fields[cm[1]]; !ok {
				return query{}, queryError("UNRECOGNIZED_FIELD", fmt.Sprintf("Error in WHERE clause: unrecognized field '%s'.", cm[1]))
			}
			op := strings.ToUpper(strings.Join(strings.Fields(cm[2]), " "))
			cond := condition{field: cm[1], negate: op == "!=" || op == "NOT IN"}
			raw := cm[3]
			if strings.HasSuffix(op, "IN") {
				inner, ok := strings.CutPrefix(raw, "(")
				if inner, ok = strings.CutSuffix(inner, ")"); !ok {
					return query{}, queryError("UNEXPECTED_INPUT", "Error in WHERE clause: IN needs a parenthesised list.")
				}
				for v := range strings.SplitSeq(inner, ",") {
					cond.values = append(cond.values, strings.Trim(strings.TrimSpace(v), `'"`))
				}
			} else {
				cond.values = []string{strings.Trim(raw, `'"`)}
			}
			out.conds = append(out.conds, cond)
		}
	}
	if m[4] != "" {
		out.limit, _ = strconv.Atoi(m[4])
	}
	return out, nil
}

func queryError(enum, message string) *adsError {
	return &adsError{ErrorCode: map[string]string{"queryError": enum}, Message: message}
}

// rows builds the result rows of one campaign with every field of the
// table, as flat values: one row from campaign, one per label from campaign_label.
func (q query) rows(customerID string, cu *customer, c *Campaign) []map[string]string {
	if q.from == "campaign" {
		return []map[string]string{row(customerID, cu, c)}
	}
	var out []map[string]string
	for _, name := range c.Labels {
		rw := row(customerID, cu, c)
		id := strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(name))), 10)
		rw["label.name"] = name
		rw["label.resource_name"] = "customers/" + customerID + "/labels/" + id
		rw["campaign_label.resource_name"] = "customers/" + customerID + "/campaignLabels/" + c.ID + "~" + id
		out = append(out, rw)
	}
	return out
}

func row(customerID string, cu *customer, c *Campaign) map[string]string {
	return map[string]string{
		"campaign.id":                   c.ID,
		"campaign.name":                 c.Name,
		"campaign.status":               c.Status,
		"campaign.resource_name":        "customers/" + customerID + "/campaigns/" + c.ID,
		"campaign_budget.amount_micros": strconv.FormatInt(c.BudgetMicros, 10),
		"customer.id":                   customerID,
		"customer.currency_code":        cu.currency,
	}
}

func (q query) matches(r map[string]string) bool {
	for _, c := range q.conds {
		if slices.Contains(c.values, r[c.field]) == c.negate {
			return false
		}
	}
	return true
}

// search serves googleAds:search: fixed-size pages, nextPageToken absent
// on the last page.
func (s *Server) search(w http.ResponseWriter, r *http.Request, customerID string) {
	var req struct {
		Query     string          `json:"query"`
		PageToken string          `json:"pageToken"`
		PageSize  json.RawMessage `json:"pageSize"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.", nil)
		return
	}
	if len(req.PageSize) > 0 {
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
			[]adsError{{ErrorCode: map[string]string{"requestError": "PAGE_SIZE_NOT_SUPPORTED"},
				Message: "Setting the page size is not supported. Search Responses will have fixed page size of '10000' rows."}})
		return
	}
	q, qerr := parseQuery(req.Query)
	if qerr != nil {
		writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.", []adsError{*qerr})
		return
	}
	offset := 0
	if req.PageToken != "" {
		o, ok := decodePageToken(req.PageToken, req.Query)
		if !ok {
			writeFailure(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.",
				[]adsError{{ErrorCode: map[string]string{"requestError": "INVALID_PAGE_TOKEN"}, Message: "Page token is invalid."}})
			return
		}
		offset = o
	}

	s.mu.Lock()
	cu := s.customers[customerID]
	var rows []map[string]string
	for _, id := range cu.order {
		for _, rw := range q.rows(customerID, cu, cu.campaigns[id]) {
			if q.matches(rw) {
				rows = append(rows, rw)
			}
		}
	}
	s.mu.Unlock()
	if q.limit > 0 && len(rows) > q.limit {
		rows = rows[:q.limit]
	}

	end := min(offset+s.pageSize, len(rows))
	results := make([]map[string]map[string]string, 0, max(end-offset, 0))
	for _, rw := range rows[min(offset, len(rows)):end] {
		res := map[string]map[string]string{}
		for _, f := range q.fields {
			path := fields[f]
			if res[path[0]] == nil {
				res[path[0]] = map[string]string{}
				switch path[0] {
				case "campaign":
					res[path[0]]["resourceName"] = rw["campaign.resource_name"]
				case "campaignBudget":
					res[path[0]]["resourceName"] = "customers/" + customerID + "/campaignBudgets/" + rw["campaign.id"]
				case "customer":
					res[path[0]]["resourceName"] = "customers/" + customerID
				case "label":
					res[path[0]]["resourceName"] = rw["label.resource_name"]
				}
			}
			res[path[0]][path[1]] = rw[f]
		}
		results = append(results, res)
	}
	mask := make([]string, len(q.fields))
	for i, f := range q.fields {
		mask[i] = fields[f][0] + "." + fields[f][1]
	}
	body := map[string]any{"results": results, "fieldMask": strings.Join(mask, ","), "queryResourceConsumption": strconv.Itoa(len(rows) + 1)}
	if end < len(rows) {
		body["nextPageToken"] = encodePageToken(end, req.Query)
	}
	writeJSON(w, http.StatusOK, body)
}

// Page tokens are opaque to clients and valid only for the same query.
func encodePageToken(offset int, q string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + "|" + q))
}

func decodePageToken(tok, q string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	n, rest, ok := strings.Cut(string(b), "|")
	off, err := strconv.Atoi(n)
	return off, ok && err == nil && off >= 0 && rest == q
}
