package faketiktok

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

var campaignFields = []string{"advertiser_id", "campaign_id", "campaign_name", "operation_status", "secondary_status",
	"objective_type", "budget_mode", "budget", "create_time", "modify_time", "campaign_automation_type", "campaign_system_origin"}

// promoteFields are the only settings campaign/get/ returns for a Promote
// campaign, which also carries campaign_system_origin (docs id=1739315828649986).
var promoteFields = []string{"advertiser_id", "campaign_id", "create_time", "campaign_name", "operation_status", "secondary_status", "campaign_system_origin"}

// secondaryStatus is the delivery status the fake reports for an operation status.
func secondaryStatus(op string) string {
	return map[string]string{Enable: "CAMPAIGN_STATUS_ENABLE", Disable: "CAMPAIGN_STATUS_DISABLE", Delete: "CAMPAIGN_STATUS_DELETE"}[op]
}

// campaignGet serves campaign/get/: page (from 1) and page_size (1 to
// MaxPageSize, default DefaultPageSize), filtering by campaign_ids or
// secondary_status, fields as a JSON array (all when absent).
func (s *Server) campaignGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	adv := q.Get("advertiser_id")
	page, size := 1, DefaultPageSize
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			writeError(w, CodeParam, "page: Must be greater than or equal to 1.")
			return
		}
		page = n
	}
	if p := q.Get("page_size"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > MaxPageSize {
			writeError(w, CodeParam, "page_size: Must be between 1 and 1000.")
			return
		}
		size = n
	}
	var filter struct {
		CampaignIDs     []string `json:"campaign_ids"`
		SecondaryStatus string   `json:"secondary_status"`
		BuyingTypes     []string `json:"buying_types"`
		Origins         []string `json:"campaign_system_origins"`
	}
	if f := q.Get("filtering"); f != "" {
		if err := json.Unmarshal([]byte(f), &filter); err != nil {
			writeError(w, CodeParam, "filtering: Not a valid JSON object.")
			return
		}
	}
	// The documented defaults leave out TopView and Promote campaigns.
	if len(filter.BuyingTypes) == 0 {
		filter.BuyingTypes = []string{Auction, ReservationRF}
	}
	if len(filter.Origins) == 0 {
		filter.Origins = []string{AdsPlatform}
	}
	if slices.Contains(filter.BuyingTypes, ReservationTopView) && len(filter.BuyingTypes) > 1 {
		writeError(w, CodeParam, "filtering.buying_types: RESERVATION_TOP_VIEW cannot be combined with other values.")
		return
	}
	fields := campaignFields
	if f := q.Get("fields"); f != "" {
		fields = nil // decoding into campaignFields would overwrite it for every request
		if err := json.Unmarshal([]byte(f), &fields); err != nil {
			writeError(w, CodeParam, "fields: Not a valid list.")
			return
		}
		for _, name := range fields {
			if !slices.Contains(campaignFields, name) {
				writeError(w, CodeParam, "fields: "+name+" is not a valid field.")
				return
			}
		}
	}
	a, ok := s.manage(w, adv)
	if !ok {
		return
	}
	s.mu.Lock()
	var rows []map[string]any
	for _, id := range a.order {
		c := a.campaigns[id]
		if len(filter.CampaignIDs) > 0 && !slices.Contains(filter.CampaignIDs, id) ||
			filter.SecondaryStatus != "" && filter.SecondaryStatus != "CAMPAIGN_STATUS_ALL" && filter.SecondaryStatus != secondaryStatus(c.OperationStatus) ||
			!slices.Contains(filter.BuyingTypes, c.BuyingType) || !slices.Contains(filter.Origins, c.Origin) {
			continue
		}
		all := map[string]any{"advertiser_id": adv, "campaign_id": c.ID, "campaign_name": c.Name, "operation_status": c.OperationStatus,
			"secondary_status": secondaryStatus(c.OperationStatus), "objective_type": "WEB_CONVERSIONS", "budget_mode": c.BudgetMode,
			"budget": c.Budget, "create_time": "2026-11-01 09:12:33", "modify_time": "2026-11-20 17:45:02",
			"campaign_automation_type": c.Automation}
		if c.Origin == Promote {
			all["campaign_system_origin"] = Promote
		}
		row := map[string]any{}
		for _, f := range fields {
			if v, ok := all[f]; ok && (c.Origin != Promote || slices.Contains(promoteFields, f)) {
				row[f] = v
			}
		}
		rows = append(rows, row)
	}
	s.mu.Unlock()
	total := len(rows)
	start := min((page-1)*size, total)
	end := min(start+size, total)
	writeEnvelope(w, CodeOK, "OK", map[string]any{
		"list":      append([]map[string]any{}, rows[start:end]...),
		"page_info": map[string]int{"page": page, "page_size": size, "total_number": total, "total_page": (total + size - 1) / size},
	})
}

// manage returns the advertiser the token may manage, or writes the error.
func (s *Server) manage(w http.ResponseWriter, id string) (*advertiser, bool) {
	s.mu.Lock()
	a, ok := s.advertisers[id]
	forbidden := s.forbidden[id]
	s.mu.Unlock()
	switch {
	case id == "":
		writeError(w, CodeParam, "advertiser_id: Missing data for required field.")
	case !ok || forbidden:
		writeError(w, CodeNoPermission, "No permission to operate advertiser "+id+".")
	default:
		return a, true
	}
	return nil, false
}

// advertiserInfo serves advertiser/info/ with advertiser_ids as a JSON array.
func (s *Server) advertiserInfo(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if err := json.Unmarshal([]byte(r.URL.Query().Get("advertiser_ids")), &ids); err != nil || len(ids) == 0 || len(ids) > 100 {
		writeError(w, CodeParam, "advertiser_ids: Length must be between 1 and 100.")
		return
	}
	var list []map[string]any
	for _, id := range ids {
		a, ok := s.manage(w, id)
		if !ok {
			return
		}
		s.mu.Lock()
		list = append(list, map[string]any{"advertiser_id": id, "name": "Advertiser " + id, "currency": a.currency, "status": "STATUS_ENABLE"})
		s.mu.Unlock()
	}
	writeEnvelope(w, CodeOK, "OK", map[string]any{"list": list})
}
