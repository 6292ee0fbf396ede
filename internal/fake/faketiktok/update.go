package faketiktok

import (
	"encoding/json"
	"net/http"
	"strconv"
)

type statusRequest struct {
	AdvertiserID    string   `json:"advertiser_id"`
	CampaignIDs     []string `json:"campaign_ids"`
	OperationStatus string   `json:"operation_status"`
}

// statusHandler serves a status update endpoint: it reads and checks the
// body (1 to MaxIDs campaign_ids, operation_status ENABLE, DISABLE or
// DELETE) and the advertiser, writing the error, then runs apply with s.mu
// held, counting the ids received.
func (s *Server) statusHandler(apply func(w http.ResponseWriter, req statusRequest, a *advertiser)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req statusRequest
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
		apply(w, req, a)
	}
}

// statusUpdate serves campaign/status/update/. One unknown, deleted or
// failing id fails the whole call and changes nothing: whether TikTok
// does so is unverified, and it is the harder case for a client. TopView
// and Smart+ campaigns are not changed here and left out of the answer's
// campaign_ids, "a list of modified campaign ids" (docs
// id=1739320994354178): TopView cannot be updated through the API, legacy
// Smart+ lost this endpoint on 2026-06-30 and Upgraded Smart+ has its own.
func (s *Server) statusUpdate(w http.ResponseWriter, req statusRequest, a *advertiser) {
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
	changed := []string{}
	for _, id := range req.CampaignIDs {
		c := a.campaigns[id]
		if c.BuyingType == ReservationTopView || c.Automation != Manual || s.unchanged[id] {
			continue
		}
		c.OperationStatus = req.OperationStatus
		changed = append(changed, id)
	}
	writeEnvelope(w, CodeOK, "OK", map[string]any{"campaign_ids": changed, "status": req.OperationStatus})
}

// smartPlusStatusUpdate serves smart_plus/campaign/status/update/: each id
// succeeds or fails on its own, in data.campaign_list or data.error_list
// (SDK yml_files/smart_plus_campaign_status_update.yml, response_rule).
// Only Upgraded Smart+ campaigns change here.
func (s *Server) smartPlusStatusUpdate(w http.ResponseWriter, req statusRequest, a *advertiser) {
	done, failed := []map[string]string{}, []map[string]string{}
	for _, id := range req.CampaignIDs {
		c := a.campaigns[id]
		switch {
		case c == nil:
			failed = append(failed, map[string]string{"campaign_id": id, "error_message": "Campaign does not exist."})
		case c.Automation != UpgradedSmartPlus:
			failed = append(failed, map[string]string{"campaign_id": id, "error_message": "Campaign is not an Upgraded Smart+ Campaign."})
		case c.OperationStatus == Delete || s.failing[id]:
			failed = append(failed, map[string]string{"campaign_id": id, "error_message": "Campaign cannot be modified."})
		default:
			c.OperationStatus = req.OperationStatus
			done = append(done, map[string]string{"campaign_id": id, "status": c.OperationStatus})
		}
	}
	writeEnvelope(w, CodeOK, "OK", map[string]any{"campaign_list": done, "error_list": failed})
}
