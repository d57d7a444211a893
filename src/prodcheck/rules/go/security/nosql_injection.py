"""
## What it does
Follows a request body decoded into a map or interface value (`bson.M`, `bson.D`,
`map[string]interface{}`, `any`) by `json.NewDecoder(r.Body).Decode`, `json.Unmarshal`, gin
`ShouldBindJSON`/`BindJSON`, echo `Bind` or fiber `BodyParser`, to the filter of a MongoDB driver
call: `Find`, `FindOne`, `FindOneAnd*`, `UpdateOne`/`UpdateMany`, `DeleteOne`/`DeleteMany`,
`ReplaceOne`, `CountDocuments`, `Aggregate`, `Distinct` (the filter after the context).

## Why it matters
A JSON body keeps its objects when it is decoded into a map: `{"email": "a@b.c", "password":
{"$ne": ""}}` turns a credential check into "any password", and `$where`, `$regex` or `$gt` read
documents the caller should never match.

## Example
    package main

    import (
        "encoding/json"
        "net/http"

        "go.mongodb.org/mongo-driver/bson"
        "go.mongodb.org/mongo-driver/mongo"
    )

    var users *mongo.Collection

    func login(w http.ResponseWriter, r *http.Request) {
        var filter bson.M
        if err := json.NewDecoder(r.Body).Decode(&filter); err != nil {
            http.Error(w, "bad request", http.StatusBadRequest)
            return
        }
        if users.FindOne(r.Context(), filter).Err() != nil {
            http.Error(w, "invalid credentials", http.StatusUnauthorized)
        }
    }

## Use instead
    package main

    import (
        "encoding/json"
        "net/http"

        "go.mongodb.org/mongo-driver/bson"
        "go.mongodb.org/mongo-driver/mongo"
    )

    var users *mongo.Collection

    type credentials struct {
        Email    string `json:"email"`
        Password string `json:"password"`
    }

    func login(w http.ResponseWriter, r *http.Request) {
        var in credentials
        if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
            http.Error(w, "bad request", http.StatusBadRequest)
            return
        }
        if users.FindOne(r.Context(), bson.M{"email": in.Email}).Err() != nil {
            http.Error(w, "invalid credentials", http.StatusUnauthorized)
        }
    }

## Known limitations
Only a filter that is itself the decoded map or interface variable is reported; a map value taken
out of a decoded body and put into a `bson.M` literal, and a struct with `interface{}` fields, are
not followed. Decoding into a struct of typed fields (the `Use instead` above) cannot carry
operators and is never reported.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "nosql", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Decode the body into a struct of typed fields and build the filter from them "
        "(`bson.M{\"email\": in.Email}`); never pass a decoded map as a filter.",
)
