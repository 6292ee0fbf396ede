package fake

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// statusUpdate serves campaign/status/update/: 1 to MaxIDs campaign_ids
// and operation_status ENABLE, DISABLE or DELETE. One unknown, deleted or
// failing id fails the whole call and changes nothing: whether TikTok
// does so is unverified, and it is the harder case for a client.
func (s *Server) statusUpdate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AdvertiserID    string   `json:"advertiser_id"`
		CampaignIDs     []string `json:"campaign_ids"`
		OperationStatus string   `json:"operation_status"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, CodeParam, "Request body is not valid JSON.")
		return
	}
	switch {
	case len(req.CampaignIDs) < 1 || len(req.CampaignIDs) > MaxIDs:
		writeError(w, CodeParam, "campaign_ids: Length must be between 1 and "+strconv.Itoa(MaxIDs)+".")
		return
	case req.OperationStatus != Enable && req.OperationStatus != Disable && req.OperationStatus != Delete:
		writeError(w, CodeParam, "operation_status: Must be one of: ENABLE, DISABLE, DELETE.")
		return
	}
	a, ok := s.manage(w, req.AdvertiserID)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items += len(req.CampaignIDs)
	for _, id := range req.CampaignIDs {
		c := a.campaigns[id]
		switch {
		case c == nil:
			writeError(w, CodeNotFound, "Campaign "+id+" does not exist.")
			return
		case c.OperationStatus == Delete:
			writeError(w, CodeParam, "Campaign "+id+" has been deleted and cannot be modified.")
			return
		case s.failing[id]:
			writeError(w, CodeParam, "Campaign "+id+" cannot be updated now.")
			return
		}
	}
	for _, id := range req.CampaignIDs {
		a.campaigns[id].OperationStatus = req.OperationStatus
	}
	writeEnvelope(w, CodeOK, "OK", map[string]any{"campaign_ids": req.CampaignIDs, "status": req.OperationStatus})
}
