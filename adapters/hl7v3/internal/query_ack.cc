// The queryAck every query response carries (QUQI_MT120001UV01 in the national profile):
//   <queryAck>
//     <queryId extension="{next_page_token}"/>          continuation handle, only when more pages exist
//     <queryResponseCode code="OK|NF"/>                 NF: nothing found
//     <resultTotalQuantity value="{total}"/>            only when the total is known (total >= 0)
//     <resultCurrentQuantity value="{items in this message}"/>
//   </queryAck>
#include <charconv>

#include "adapters/hl7v3/internal/messages.h"

namespace metrogw::adapters::hl7v3 {

void readQueryAck(pugi::xml_node control_act, model::SearchResultT& r) {
  pugi::xml_node ack = child(control_act, "queryAck");
  if (!ack) return;
  r.next_page_token = attr(child(ack, "queryId"), "extension");
  const std::string_view total = attr(child(ack, "resultTotalQuantity"), "value");
  int32_t n = 0;
  auto [ptr, ec] = std::from_chars(total.data(), total.data() + total.size(), n);
  if (!total.empty() && ec == std::errc() && ptr == total.data() + total.size() && n >= 0) r.total = n;
}

void writeQueryAck(XmlWriter& w, const model::SearchResultT& r, size_t returned) {
  w.open("queryAck");
  w.leaf("queryId", "extension", r.next_page_token);
  w.leaf("queryResponseCode", "code", returned == 0 ? "NF" : "OK");
  if (r.total >= 0) w.leaf("resultTotalQuantity", "value", std::to_string(r.total));
  w.leaf("resultCurrentQuantity", "value", std::to_string(returned));
  w.close();
}

}  // namespace metrogw::adapters::hl7v3
