import { z } from 'zod';
import { TRANSCRIPT_SCHEMA_VERSION } from './schema-version.js';

/**
 * The normalized transcript, schema version 1: the product's public contract
 * (the transcript-schema v1 contract), defined here once. The TypeScript types
 * and the published JSON Schema (`docs/transcript.v1.schema.json`) derive from it.
 *
 * Every object accepts properties beyond the documented ones, because the
 * contract lets later versions add fields without bumping `schema_version`: a
 * reader built on this schema must keep accepting their output.
 */

// Defined without zod, so that the Lambda bundles can read it without loading this module.
export { TRANSCRIPT_SCHEMA_VERSION };

const nullableString = (description: string) => z.string().nullable().meta({ description });

/** A coded value: the raw code, and its label and slug when the code is known. */
export const CodeSchema = z
  .looseObject({
    code: z.string().min(1).meta({ description: 'The raw value as received, e.g. "2".' }),
    label: z.string().nullable().meta({
      description: 'The Korean label from the spec\'s table, e.g. "완료"; null if the code is unknown.',
    }),
    name: z
      .string()
      .nullable()
      .meta({ description: 'A stable English slug, e.g. "completed"; null if the code is unknown.' }),
  })
  .meta({ id: 'Code', description: 'A HappyTalk code with its label and slug.' });

/** ISO 8601 date-time with the HappyTalk zone's offset, e.g. `2022-05-26T10:26:31+09:00`. */
export const TimeSchema = z.iso.datetime({ offset: true }).meta({
  id: 'Time',
  description:
    'ISO 8601 date-time with the offset of the HappyTalk time zone, e.g. "2022-05-26T10:26:31+09:00".',
});

/** ISO 8601 date-time in UTC, with `Z`. */
export const UtcTimeSchema = z.iso.datetime().meta({
  id: 'UtcTime',
  description: 'ISO 8601 date-time in UTC, with Z, e.g. "2022-05-26T01:31:07.123Z".',
});

const extraSchema = (description: string) => z.record(z.string(), z.unknown()).meta({ description });

const ChatSchema = z
  .looseObject({
    id: z.string().min(1).meta({ description: 'From chat.id.' }),
    title: nullableString('From chat.title.'),
    status: CodeSchema.nullable().meta({ description: 'From chat.status.' }),
    channel: CodeSchema.nullable().meta({ description: 'From chat.out_api.' }),
    counselor: z
      .looseObject({
        name: nullableString('From chat.counselor_name.'),
        nickname: nullableString('From chat.counselor_nickname.'),
      })
      .meta({ description: 'The counselor in charge.' }),
    customer: z
      .looseObject({
        uuid: nullableString('From chat.customer_uuid.'),
        user_id: nullableString('From chat.users_id.'),
      })
      .meta({ description: 'The customer.' }),
    category: z
      .looseObject({
        id: nullableString('From chat.category_id.'),
        name: nullableString('From chat.cate_name1.'),
      })
      .meta({ description: 'Top-level category (대분류).' }),
    division: z
      .looseObject({
        id: nullableString('From chat.division_id.'),
        name: nullableString('From chat.cate_name2.'),
      })
      .meta({ description: 'Second-level category (중분류).' }),
    subcategory: nullableString('From chat.etc_assign: the third-level category name (소분류).'),
    registered_at: TimeSchema.nullable().meta({ description: 'From chat.reg_date.' }),
    completed_at: TimeSchema.nullable().meta({
      description: 'From chat.complate_date; null while the room is open.',
    }),
    order: z
      .looseObject({
        order_number: nullableString('From chat.order_number.'),
        product_number: nullableString('From chat.product_number.'),
        parcel_number: nullableString('From chat.parcel_number.'),
        parcel_company: CodeSchema.nullable().meta({ description: 'From chat.parcel_companycode.' }),
      })
      .meta({ description: 'The order the conversation is about.' }),
    device: z
      .looseObject({
        app_version: nullableString('From chat.app_ver.'),
        os: CodeSchema.nullable().meta({ description: 'From chat.phone_os.' }),
        os_version: nullableString('From chat.phone_osver.'),
        model: nullableString('From chat.phone_model.'),
        telecom: nullableString('From chat.phone_telecomm.'),
        app_hash: nullableString('From chat.app_hash.'),
      })
      .meta({ description: "The customer's device." }),
    parameters: z
      .array(z.string().nullable())
      .length(10)
      .meta({ description: 'From chat.parameter1 .. chat.parameter10, in order.' }),
    rating: z
      .looseObject({
        score: z.number().nullable().meta({ description: 'From chat.vote_score, as a number.' }),
        comment: nullableString('From chat.vote_comment.'),
      })
      .meta({ description: "The customer's rating of the conversation." }),
    tags: z
      .array(z.string())
      .nullable()
      .optional()
      .meta({
        description:
          'From chat.tags: a list of strings as given, or a "#a|#b" string split on "|"; null when absent or ' +
          'of another kind (then a warning, the value still in extra). Absent from transcripts derived before ' +
          'archiver 0.2.0.',
      }),
    extra: extraSchema('Every chat field the spec does not name, verbatim.'),
  })
  .meta({ description: 'The room (data[].chat).' });

/** A link of a button or template message. */
export const LinkSchema = z.looseObject({
  name: nullableString('The label of the link.'),
  url: z.string().min(1).meta({ description: 'The link target, as received.' }),
});

/** A button of a button or template message, V1 or V2. */
export const ButtonSchema = z
  .looseObject({
    type: nullableString(
      'The V2 button type as given (e.g. "WEB_LINK", "TEXT" for a bot keyword); null for a V1 link.',
    ),
    name: nullableString('The label of the button.'),
    url: nullableString("Where it leads: V2 pcUrl, else url; a V1 link's url. Null for a keyword button."),
    mobile_url: nullableString('V2 mobileUrl.'),
  })
  .meta({ id: 'Button', description: 'A button of a button or template message, with or without a URL.' });

/** A file of a message archived beside the transcript (added by the archive, not by normalizing). */
export const AttachmentSchema = z
  .looseObject({
    url: z.string().min(1).meta({ description: "The URL it was downloaded from: the message's image_url." }),
    key: z
      .string()
      .regex(/^attachments\/./)
      .meta({ description: 'The S3 key of the archived copy, e.g. "attachments/<sha256>".' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ description: 'Hex digest of the archived bytes.' }),
    content_type: z.string().min(1).meta({ description: 'The media type of the bytes, e.g. "image/png".' }),
    bytes: z.number().int().nonnegative().meta({ description: 'The size of the archived copy, in bytes.' }),
  })
  .meta({ id: 'Attachment', description: 'An archived copy of a file a message names.' });

/** One message of the room, normalized. */
export const MessageSchema = z
  .looseObject({
    id: z.string().min(1).meta({ description: 'From message.id.' }),
    from_id: nullableString('From message.from_id.'),
    to_id: nullableString('From message.to_id.'),
    type: CodeSchema.nullable().meta({ description: 'From message.type: C message, M memo.' }),
    sender: CodeSchema.nullable().meta({ description: 'From message.user_type.' }),
    content_type: CodeSchema.nullable().meta({ description: 'From message.contents_type.' }),
    text: nullableString(
      'The readable text: the contents of a text message, or the text of a button or template message ' +
        '(V1 "text", V2 "message").',
    ),
    image_url: nullableString(
      'The image: the contents of an image message, or the image of a button or template message ' +
        '("image_url", "imageUrl" or "image.url").',
    ),
    links: z.array(LinkSchema).meta({
      description:
        'The buttons of a button or template message that carry a URL (V1 link; V2 pcUrl, else mobileUrl, else url).',
    }),
    buttons: z
      .array(ButtonSchema)
      .optional()
      .meta({
        description:
          'Every button of a button or template message, URL or not, in order (V1 links with type null, ' +
          'V2 buttonList entries of every type). Absent from transcripts derived before archiver 0.2.0.',
      }),
    contents: nullableString('From message.contents, verbatim.'),
    sent_at: TimeSchema.nullable().meta({ description: 'From message.send_date.' }),
    read_at: TimeSchema.nullable().meta({ description: 'From message.read_date.' }),
    extra: extraSchema('Every message field the spec does not name, verbatim.'),
    attachments: z
      .array(AttachmentSchema)
      .optional()
      .meta({
        description:
          'The archived copy of the image (image_url), when the archive could download it; absent otherwise ' +
          '(a warning "attachment not archived: …" then says why).',
      }),
  })
  .meta({ id: 'Message', description: 'One message (data[].message[]).' });

/** Something in the raw response that was not mapped as documented. */
export const WarningSchema = z
  .looseObject({
    path: z.string().meta({
      description:
        'Where the value is in the raw response: relative to the room (e.g. "chat.vote_score", ' +
        '"message[3].user_type", index in the raw message array), or from the response root when it starts ' +
        'with "$" (e.g. "$.extra_field", "$.data[1]").',
    }),
    value: z.unknown().meta({ description: 'The raw value concerned (null when absent).' }),
    reason: z.string().meta({ description: 'Why the value was not mapped as documented.' }),
  })
  .meta({ id: 'Warning', description: 'A value of the raw response that was not mapped as documented.' });

/** The normalized transcript of one HappyTalk room, schema version 1. */
export const TranscriptSchema = z
  .looseObject({
    schema_version: z.literal(TRANSCRIPT_SCHEMA_VERSION),
    room_id: z.string().min(1).meta({ description: 'The HappyTalk room id.' }),
    chat: ChatSchema,
    messages: z.array(MessageSchema).meta({ description: 'Ordered by sent_at, then id.' }),
    stats: z
      .looseObject({
        message_count: z.number().int().nonnegative(),
        by_sender: z
          .record(z.string(), z.number().int().nonnegative())
          .meta({ description: 'Messages per sender name, e.g. {"customer": 3, "counselor": 4}.' }),
        first_message_at: TimeSchema.nullable(),
        last_message_at: TimeSchema.nullable(),
        duration_seconds: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'completed_at - registered_at, when both exist.' }),
      })
      .meta({ description: 'Figures derived from the messages.' }),
    warnings: z.array(WarningSchema),
    source: z
      .looseObject({
        endpoint: z.string().min(1).meta({ description: 'The URL that was called.' }),
        fetched_at: UtcTimeSchema,
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .meta({ description: 'Hex digest of the raw response bytes.' }),
        archiver_version: z
          .string()
          .min(1)
          .meta({ description: 'The version of happytalk-archive that derived this transcript.' }),
        reindexed_at: UtcTimeSchema.optional().meta({
          description:
            'When `happytalk-archive reindex` derived this transcript again from the archived raw response; ' +
            'absent when it was derived at archive time.',
        }),
      })
      .meta({ description: 'Where and when the raw response came from.' }),
  })
  .meta({
    description:
      'The normalized transcript of one HappyTalk customer-chat room, as archived by happytalk-archive. ' +
      'Fields may be added without a new schema_version; none is renamed or dropped.',
  });

/** A HappyTalk code with its label and slug; see {@link CodeSchema}. */
export type Code = z.infer<typeof CodeSchema>;
/** An ISO 8601 date-time with offset; see {@link TimeSchema}. */
export type Time = z.infer<typeof TimeSchema>;
/** A link of a button or template message; see {@link LinkSchema}. */
export type Link = z.infer<typeof LinkSchema>;
/** A button of a button or template message; see {@link ButtonSchema}. */
export type Button = z.infer<typeof ButtonSchema>;
/** An archived file of a message; see {@link AttachmentSchema}. */
export type Attachment = z.infer<typeof AttachmentSchema>;
/** One normalized message; see {@link MessageSchema}. */
export type Message = z.infer<typeof MessageSchema>;
/** A value not mapped as documented; see {@link WarningSchema}. */
export type Warning = z.infer<typeof WarningSchema>;
/** The normalized transcript of one room, schema version 1; see {@link TranscriptSchema}. */
export type Transcript = z.infer<typeof TranscriptSchema>;
