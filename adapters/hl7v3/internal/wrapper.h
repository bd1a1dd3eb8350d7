#pragma once
// The HL7 v3 transmission wrapper (MCCI_MT000100UV01 / MCCI_MT000300UV01) as the national specs
// fill it: id, creationTime, interactionId, processing codes, receiver/sender devices, optional
// acknowledgement (responses), then controlActProcess.
//
//   <ROOT xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0">
//     <id root="2.16.156.10011.2.5.1.1" extension="{message_id}"/>
//     <creationTime value="{sent}"/>
//     <interactionId root="2.16.156.10011.2.5.1.2" extension="ROOT"/>
//     <processingCode code="P"/> <processingModeCode/> <acceptAckCode code="AL"/>
//     <receiver typeCode="RCV"><device ...><id><item root="2.16.156.10011.2.5.1.3"
//     extension=".."/></id></device></receiver> <sender typeCode="SND">...</sender> <acknowledgement
//     typeCode="AA|AE|AR"><targetMessage><id extension="{in_reply_to}"/></targetMessage>...</acknowledgement>
//     <controlActProcess classCode="CACT" moodCode="EVN">...</controlActProcess>
//   </ROOT>

#include <string_view>

#include "adapters/hl7v3/internal/xml.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v3 {

inline constexpr std::string_view kMessageIdRoot = "2.16.156.10011.2.5.1.1";
inline constexpr std::string_view kV3Namespace = "urn:hl7-org:v3";

// message_id, sent and in_reply_to from the wrapper of `root`.
[[nodiscard]] Status readWrapper(pugi::xml_node root, model::EnvelopeT& env);

// Writes the root start tag and the wrapper up to (excluding) the acknowledgement. The caller
// then optionally writes an acknowledgement (writeAckOpen + details + close) and the
// controlActProcess, then finish()es.
void writeWrapper(XmlWriter& w, std::string_view root, const model::EnvelopeT& env);
// Opens <acknowledgement typeCode=..> with its targetMessage (from env.in_reply_to); the caller
// adds acknowledgementDetail elements and closes it.
void writeAckOpen(XmlWriter& w, std::string_view type_code, const model::EnvelopeT& env);
// <acknowledgement typeCode="AA"> when env.in_reply_to is set (responses), nothing otherwise.
void writeReplyAck(XmlWriter& w, const model::EnvelopeT& env);
// Opens <controlActProcess classCode="CACT" moodCode="EVN">.
void openControlAct(XmlWriter& w);

}  // namespace metrogw::adapters::hl7v3
