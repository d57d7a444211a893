package payments

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
)

var client = &http.Client{ // expect: GO-REL-001
	Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // expect: GO-SEC-023
	},
}

func Charge(orderID int64, amount float64) error {
	body, _ := json.Marshal(map[string]any{"order_id": orderID, "amount": amount})
	resp, err := client.Post("https://payments.internal.example.com/v1/charges", "application/json", // expect: GO-REL-011
		bytes.NewReader(body))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("payment declined: %s", resp.Status)
	}
	return nil
}
