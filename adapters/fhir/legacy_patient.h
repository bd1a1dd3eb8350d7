// Flat "legacy JSON" patient records that some partner systems send instead of FHIR, e.g.
//   {"PatientId": 12434, "MRN": "M0R1N2", "FirstName": "Jerry", "LastName": "Smith",
//    "Phone Number": ["1234-5678"], "Gender": "M", "DOB": "20010110"}
// (the shape of Microsoft FHIR-Converter's JSON sample). Accepted on decode only, as a Patient;
// encode always writes FHIR.
#pragma once

#include "adapters/fhir/json.h"
#include "model/model.h"

namespace metrogw::adapters::fhir {

// An object without resourceType that carries PatientId or MRN.
[[nodiscard]] bool isLegacyPatient(const Node& root);
[[nodiscard]] Status decodeLegacyPatient(const Node& root, model::PatientT& out);

}  // namespace metrogw::adapters::fhir
