// The HL7 v3 transmission wrapper, see wrapper.h.
#include "adapters/hl7v3/internal/wrapper.h"

#include "adapters/hl7v3/internal/datatypes.h"

namespace metrogw::adapters::hl7v3 {
namespace {

void writeDevice(XmlWriter& w, std::string_view role, std::string_view type_code, std::string_view id) {
  w.open(role);
  w.attr("typeCode", type_code);
  w.open("device");
  w.attr("classCode", "DEV");
  w.attr("determinerCode", "INSTANCE");
  w.open("id");
  w.open("item");
  w.attr("root", "2.16.156.10011.2.5.1.3");
  w.attr("extension", id);
  w.close();
  w.close();
  w.close();
  w.close();
}

}  // namespace

Status readWrapper(pugi::xml_node root, model::EnvelopeT& env) {
  pugi::xml_node id = child(root, "id");
  if (!id) return xmlError(root, "/id", "missing");
  env.message_id = attr(id, "extension");
  if (env.message_id.empty()) env.message_id = attr(child(id, "item"), "extension");
  if (pugi::xml_node t = child(root, "creationTime")) {
    ASSIGN_OR_RETURN(env.sent, readTs(t));
  }
  pugi::xml_node target = descend(root, "acknowledgement/targetMessage/id");
  env.in_reply_to = attr(target, "extension");
  if (env.in_reply_to.empty()) env.in_reply_to = attr(child(target, "item"), "extension");
  return Status::ok();
}

void writeWrapper(XmlWriter& w, std::string_view root, const model::EnvelopeT& env) {
  w.open(root);
  w.attr("xmlns", kV3Namespace);
  w.attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  w.attr("ITSVersion", "XML_1.0");
  w.open("id");
  w.attr("root", kMessageIdRoot);
  w.attr("extension", env.message_id);
  w.close();
  writeTs(w, "creationTime", env.sent);
  w.open("interactionId");
  w.attr("root", "2.16.156.10011.2.5.1.2");
  w.attr("extension", root);
  w.close();
  w.leaf("processingCode", "code", "P");
  w.open("processingModeCode");
  w.close();
  w.leaf("acceptAckCode", "code", "AL");
  writeDevice(w, "receiver", "RCV", "platform");
  writeDevice(w, "sender", "SND", env.origin_city.empty() ? std::string_view("metrogw") : env.origin_city);
}

void writeAckOpen(XmlWriter& w, std::string_view type_code, const model::EnvelopeT& env) {
  w.open("acknowledgement");
  w.attr("typeCode", type_code);
  w.open("targetMessage");
  w.open("id");
  w.attr("root", kMessageIdRoot);
  w.attr("extension", env.in_reply_to);
  w.close();
  w.close();
}

void writeReplyAck(XmlWriter& w, const model::EnvelopeT& env) {
  if (env.in_reply_to.empty()) return;
  writeAckOpen(w, "AA", env);
  w.close();
}

void openControlAct(XmlWriter& w) {
  w.open("controlActProcess");
  w.attr("classCode", "CACT");
  w.attr("moodCode", "EVN");
}

}  // namespace metrogw::adapters::hl7v3
