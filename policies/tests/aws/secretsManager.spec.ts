/**
 * Secrets Manager rules (rules/aws/secretsManager.ts, rules/aws/rotationSchedule.ts): one passing
 * input and one mutation per failing condition, with exact messages.
 */
import * as assert from "node:assert/strict";
import { OfflineResource } from "../../offline";
import { formatHours, scheduleGap } from "../../rules/aws/rotationSchedule";
import { secretCustomerKmsKey, secretRecoveryWindow, secretRotationInterval } from "../../rules/aws/secretsManager";
import { secret, secretRotation } from "../compliantStack";
import { messagesOf, policyTable } from "../support";

describe("aws policies", () => {
    describe("Secrets Manager", () => {
        policyTable(secretCustomerKmsKey, secret, (s) => s, [
            {
                name: "no key",
                mutate: (s) => void delete s.props.kmsKeyId,
                messages: [
                    "kmsKeyId is unset; set it to the network's customer-managed KMS key: unset means the " +
                        "AWS-managed aws/secretsmanager key, whose key policy you cannot restrict.",
                ],
            },
            {
                name: "the AWS-managed alias",
                mutate: (s) => void (s.props.kmsKeyId = "alias/aws/secretsmanager"),
                messages: [
                    'kmsKeyId is "alias/aws/secretsmanager"; set it to the network\'s customer-managed KMS key: ' +
                        "alias/aws/secretsmanager is AWS-managed and its key policy cannot be restricted.",
                ],
            },
            {
                name: "the AWS-managed alias ARN",
                mutate: (s) => void (s.props.kmsKeyId = "arn:aws:kms:us-east-1:777788889999:alias/aws/secretsmanager"),
                messages: [
                    'kmsKeyId is "arn:aws:kms:us-east-1:777788889999:alias/aws/secretsmanager"; set it to the ' +
                        "network's customer-managed KMS key: alias/aws/secretsmanager is AWS-managed and its key " +
                        "policy cannot be restricted.",
                ],
            },
        ]);

        policyTable(secretRecoveryWindow, secret, (s) => s, [
            {
                name: "force delete (0)",
                mutate: (s) => void (s.props.recoveryWindowInDays = 0),
                messages: [
                    "recoveryWindowInDays is 0; remove it or set it to at least 30: 0 deletes the secret immediately, with no way to restore it.",
                ],
            },
            {
                name: "under the minimum",
                mutate: (s) => void (s.props.recoveryWindowInDays = 7),
                messages: [
                    "recoveryWindowInDays is 7; set it to at least 30 (policy config minimumDays) so a secret deleted by mistake can be restored.",
                ],
            },
        ]);

        it("secretsmanager-recovery-window accepts the AWS default and devnet's 7 days when configured", async () => {
            const s = secret();
            delete s.props.recoveryWindowInDays;
            assert.deepEqual(await messagesOf(secretRecoveryWindow, s), []);
            s.props.recoveryWindowInDays = 7;
            assert.deepEqual(await messagesOf(secretRecoveryWindow, s, { minimumDays: 7 }), []);
        });

        const rules = (r: OfflineResource, value: Record<string, unknown> | undefined) =>
            void (r.props.rotationRules = value);
        const limit = "at most 90 days (policy config maximumDays)";
        const why = "so a leaked value stops working within 90 days";
        const forms =
            'write "rate(<n> days)", "rate(<n> hours)" or "cron(0 <hours> <day-of-month> <month> <day-of-week> *)" ' +
            `with ? in one of the day fields, ${limit}.`;
        const unreadable = (expression: string, reason: string) =>
            `rotationRules.scheduleExpression is ${JSON.stringify(expression)}, which is not a Secrets Manager ` +
            `schedule (${reason}); ${forms}`;
        const tooLong = (expression: string, gap: string, maximum = 90) =>
            `rotationRules.scheduleExpression is ${JSON.stringify(expression)}, which leaves up to ${gap} between ` +
            `rotations; rotate at most ${maximum} days (policy config maximumDays), e.g. "rate(30 days)", so a ` +
            `leaked value stops working within ${maximum} days.`;
        const schedule = (expression: string) => ({
            name: `scheduleExpression ${expression}`,
            mutate: (r: OfflineResource) => rules(r, { scheduleExpression: expression }),
        });
        policyTable(secretRotationInterval, secretRotation, (r) => r, [
            {
                name: "automaticallyAfterDays over the maximum",
                mutate: (r) => rules(r, { automaticallyAfterDays: 120 }),
                messages: [`rotationRules.automaticallyAfterDays is 120; set it to ${limit} ${why}.`],
            },
            {
                name: "automaticallyAfterDays not a number",
                mutate: (r) => rules(r, { automaticallyAfterDays: "30" }),
                messages: [
                    `rotationRules.automaticallyAfterDays is "30", which is not a whole number of days; set it to a ` +
                        `number of days, ${limit}.`,
                ],
            },
            { ...schedule("rate(120 days)"), messages: [tooLong("rate(120 days)", "120 days")] },
            { ...schedule("rate(2200 hours)"), messages: [tooLong("rate(2200 hours)", "91 days 16 hours")] },
            // 1 Oct -> 1 Jan and 1 Jul -> 1 Oct are 92 days
            {
                ...schedule("cron(0 0 1 JAN,APR,JUL,OCT ? *)"),
                messages: [tooLong("cron(0 0 1 JAN,APR,JUL,OCT ? *)", "92 days")],
            },
            // a leap year's 1 January -> 1 January
            { ...schedule("cron(0 6 1 1 ? *)"), messages: [tooLong("cron(0 6 1 1 ? *)", "366 days")] },
            {
                name: "the first Sunday of each month against a 30-day maximum",
                mutate: () => undefined,
                config: { maximumDays: 30 },
                messages: [tooLong("cron(0 4 ? * SUN#1 *)", "35 days", 30)],
            },
            {
                name: "only a duration",
                mutate: (r) => rules(r, { duration: "3h" }),
                messages: [
                    `rotationRules sets neither scheduleExpression nor automaticallyAfterDays (duration "3h" is only ` +
                        `the length of the rotation window); set scheduleExpression (e.g. "rate(30 days)") to rotate ` +
                        `the secret ${limit} ${why}.`,
                ],
            },
            {
                name: "no rotationRules",
                mutate: (r) => rules(r, undefined),
                messages: [
                    `rotationRules sets neither scheduleExpression nor automaticallyAfterDays; set scheduleExpression ` +
                        `(e.g. "rate(30 days)") to rotate the secret ${limit} ${why}.`,
                ],
            },
            {
                name: "rotation turned off",
                mutate: (r) => {
                    rules(r, undefined);
                    r.props.rotationEnabled = false;
                },
                messages: [
                    `rotationEnabled is false; remove it and set rotationRules.scheduleExpression (e.g. "rate(30 days)") ` +
                        `to rotate the secret ${limit}: without rotation a leaked value stays valid until someone notices.`,
                ],
            },
            {
                ...schedule("rate(2 weeks)"),
                messages: [unreadable("rate(2 weeks)", "a rate counts whole hours or days, e.g. rate(30 days)")],
            },
            {
                ...schedule("every 30 days"),
                messages: [unreadable("every 30 days", "it is neither rate(...) nor cron(...)")],
            },
            {
                ...schedule("cron(0 4 ? * SUN#1)"),
                messages: [
                    unreadable(
                        "cron(0 4 ? * SUN#1)",
                        "it has 5 fields, not the 6 of minutes hours day-of-month month day-of-week year",
                    ),
                ],
            },
            {
                ...schedule("cron(30 4 ? * SUN#1 *)"),
                messages: [unreadable("cron(30 4 ? * SUN#1 *)", 'minutes is "30": rotation windows open on the hour')],
            },
            {
                ...schedule("cron(0 4 ? * SUN#1 2027)"),
                messages: [unreadable("cron(0 4 ? * SUN#1 2027)", 'year is "2027", not *')],
            },
            {
                ...schedule("cron(0 4 1 * MON *)"),
                messages: [unreadable("cron(0 4 1 * MON *)", "exactly one of day-of-month and day-of-week must be ?")],
            },
            {
                ...schedule("cron(0 4 30 FEB ? *)"),
                messages: [unreadable("cron(0 4 30 FEB ? *)", "it never fires: no date has that day and month")],
            },
            {
                ...schedule("cron(0 4 15W * ? *)"),
                messages: [unreadable("cron(0 4 15W * ? *)", 'day-of-month has "15W"')],
            },
            {
                ...schedule("cron(0 24 1 * ? *)"),
                messages: [unreadable("cron(0 24 1 * ? *)", "hours has 24, outside 0-23")],
            },
        ]);

        it("secretsmanager-rotation-interval accepts schedules within the maximum", async () => {
            for (const rotationRules of [
                { automaticallyAfterDays: 90 },
                { scheduleExpression: "rate(90 days)" },
                { scheduleExpression: "rate(4 hours)", duration: "1h" },
                { scheduleExpression: "rate(1 day)" },
                { scheduleExpression: "cron(0 0 L * ? *)" },
                { scheduleExpression: "cron(0 0 1 */2 ? *)" },
                { scheduleExpression: "cron(0 0 ? * 6L *)" },
            ]) {
                const r = secretRotation();
                r.props.rotationRules = rotationRules;
                assert.deepEqual(await messagesOf(secretRotationInterval, r), [], JSON.stringify(rotationRules));
            }
        });

        it("scheduleGap walks AWS cron the way Secrets Manager reads it", () => {
            const table: [string, number][] = [
                ["rate(12 hours)", 12],
                ["rate(10 days)", 240],
                ["cron(0 4/12 * * ? *)", 12], // 04:00 and 16:00, every day
                ["cron(0 8,20 * * ? *)", 12],
                ["cron(0 0,23 * * ? *)", 23],
                ["cron(0 0 ? * 2-6 *)", 72], // Monday to Friday (AWS counts SUN as 1): Friday -> Monday
                ["cron(0 0 ? * MON-FRI *)", 72],
                ["cron(0 0 ? * 1 *)", 7 * 24], // Sundays
                ["cron(0 0 ? * L *)", 7 * 24], // a bare L in day-of-week is Saturday
                ["cron(0 0 ? * 6L *)", 35 * 24], // the last Friday: four or five weeks apart
                ["cron(0 0 1 1/3 ? *)", 92 * 24], // quarterly: 1 Jul -> 1 Oct
                ["cron(0 0 ? * 2#1 *)", 35 * 24], // the first Monday: four or five weeks apart
                ["cron(0 0 1/7 * ? *)", 7 * 24], // 1, 8, 15, 22, 29: 22 February -> 1 March in a common year
                ["cron(0 0 1 * ? *)", 31 * 24],
                ["cron(0 0 L FEB ? *)", 366 * 24],
                ["cron(0 0 29 2 ? *)", (3 * 365 + 366) * 24],
                ["cron(0 23 1 * ? *)", 31 * 24],
                ["cron(0 0,23 1 * ? *)", 30 * 24 + 1], // 23:00 on 1 Jan -> 00:00 on 1 Feb
            ];
            for (const [expression, hours] of table) {
                assert.deepEqual(scheduleGap(expression), { hours }, expression);
            }
            assert.deepEqual([1, 36, 24, 48, 25, Infinity].map(formatHours), [
                "1 hour",
                "1 day 12 hours",
                "1 day",
                "2 days",
                "1 day 1 hour",
                "forever",
            ]);
        });
    });
});
