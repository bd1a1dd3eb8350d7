// Parameter and id helpers for the codec-defined interactions, see params.h.
#include "adapters/hl7v3/internal/params.h"

#include <charconv>

#include "adapters/hl7v3/internal/datatypes.h"
#include "adapters/hl7v3/internal/wrapper.h"

namespace metrogw::adapters::hl7v3 {
namespace {

// queryByParameter/statusCode of a request for the next page of an earlier query.
constexpr std::string_view kContinuation = "waitContinuedQueryResponse";

}  // namespace

void readMetroIds(pugi::xml_node id, std::string& local_id,
                  std::vector<std::unique_ptr<model::IdentifierT>>* identifiers) {
  std::vector<std::unique_ptr<model::IdentifierT>> all;
  readIds(id, all);
  for (auto& ii : all) {
    if (ii->system == kMetroIdRoot) {
      if (local_id.empty()) local_id = ii->value;
    } else if (identifiers != nullptr) {
      identifiers->push_back(std::move(ii));
    }
  }
}

void writeMetroIds(XmlWriter& w, std::string_view local_id,
                   const std::vector<std::unique_ptr<model::IdentifierT>>* identifiers) {
  const bool any = !local_id.empty() || (identifiers != nullptr && !identifiers->empty());
  if (!any) return;
  w.open("id");
  if (!local_id.empty()) {
    w.open("item");
    w.attr("root", kMetroIdRoot);
    w.attr("extension", local_id);
    w.close();
  }
  if (identifiers != nullptr) {
    for (const auto& ii : *identifiers) {
      if (!isNullIi(*ii) && ii->system != kMetroIdRoot) writeIi(w, "item", *ii);
    }
  }
  w.close();
}

void writeParam(XmlWriter& w, std::string_view name, std::string_view attr_name, std::string_view v,
                std::string_view semantics) {
  if (v.empty()) return;
  w.open(name);
  w.leaf("value", attr_name, v);
  w.leaf("semanticsText", "value", semantics);
  w.close();
}

std::string_view paramValue(pugi::xml_node params, std::string_view name, std::string_view attr_name) {
  return attr(child(child(params, name), "value"), attr_name);
}

StatusOr<uint16_t> readCount(pugi::xml_node node) {
  const std::string_view v = attr(node, "value");
  unsigned n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n > 65535)
    return xmlError(node, "/@value", "not a count");
  return static_cast<uint16_t>(n);
}

Status readQueryControl(pugi::xml_node query, uint16_t& limit, std::string& page_token) {
  if (attr(child(query, "statusCode"), "code") == kContinuation) {
    page_token = attr(child(query, "queryId"), "extension");
    if (page_token.empty()) return xmlError(query, "/queryId/@extension", "a continuation needs the queryId");
  }
  pugi::xml_node qty = child(query, "initialQuantity");
  if (!qty) return Status::ok();
  ASSIGN_OR_RETURN(limit, readCount(qty));
  return Status::ok();
}

Status readPeriod(pugi::xml_node ivl, std::string& low, std::string& high) {
  if (pugi::xml_node l = child(ivl, "low")) {
    ASSIGN_OR_RETURN(low, readTs(l));
  }
  if (pugi::xml_node h = child(ivl, "high")) {
    ASSIGN_OR_RETURN(high, readTs(h));
  }
  return Status::ok();
}

void writePeriod(XmlWriter& w, std::string_view name, std::string_view low, std::string_view high) {
  if (low.empty() && high.empty()) return;
  w.open(name);
  writeTs(w, "low", low);
  writeTs(w, "high", high);
  w.close();
}

void writeCount(XmlWriter& w, std::string_view name, uint32_t n) { w.leaf(name, "value", std::to_string(n)); }

void openQuery(XmlWriter& w, const model::EnvelopeT& env, uint16_t limit, std::string_view page_token) {
  openControlAct(w);
  w.open("queryByParameter");
  w.leaf("queryId", "extension", page_token.empty() ? std::string_view(env.message_id) : page_token);
  w.leaf("statusCode", "code", page_token.empty() ? std::string_view("new") : kContinuation);
  writeCount(w, "initialQuantity", limit);
  w.open("parameterList");
}

}  // namespace metrogw::adapters::hl7v3
