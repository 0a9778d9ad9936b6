namespace NtmWorkflow.Engine.Calendar;

/// <summary>
/// The Vietnamese lunisolar calendar, computed astronomically for Vietnam's time zone (UTC+07:00): a
/// month starts on the day of the new moon, month 11 holds the winter solstice, and in a year with 13
/// months the first month without a major solar term is the leap month. New moons and solar longitudes
/// use the series of Meeus, "Astronomical Algorithms" (accurate to minutes for 1900–2100).
/// </summary>
public static class LunarCalendar
{
    private const double TimeZone = 7.0;
    private const double SynodicMonth = 29.530588853;
    private const double NewMoonEpoch = 2415021.076998695; // the new moon of 1900-01-01, Julian day

    /// <summary>The solar date of a lunar date (not a leap month): e.g. (1, 1, 2026) is Tết, 17 February 2026.</summary>
    public static DateOnly ToSolar(int lunarDay, int lunarMonth, int lunarYear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lunarDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lunarDay, 30);
        ArgumentOutOfRangeException.ThrowIfLessThan(lunarMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lunarMonth, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(lunarYear, 1901);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lunarYear, 2199);

        int a11, b11;
        if (lunarMonth < 11)
        {
            a11 = LunarMonth11(lunarYear - 1);
            b11 = LunarMonth11(lunarYear);
        }
        else
        {
            a11 = LunarMonth11(lunarYear);
            b11 = LunarMonth11(lunarYear + 1);
        }

        var k = (int)Math.Floor(0.5 + ((a11 - NewMoonEpoch) / SynodicMonth));
        var offset = lunarMonth - 11;
        if (offset < 0)
        {
            offset += 12;
        }

        if (b11 - a11 > 365)
        {
            // A leap year: months from the leap month on are one later.
            var leapOffset = LeapMonthOffset(a11);
            if (offset >= leapOffset)
            {
                offset += 1;
            }
        }

        return FromJulianDay(NewMoonDay(k + offset) + lunarDay - 1);
    }

    /// <summary>Lunar New Year's Day (Mùng 1 Tết) of a year.</summary>
    public static DateOnly LunarNewYear(int year) => ToSolar(1, 1, year);

    internal static int JulianDay(DateOnly date)
    {
        var a = (14 - date.Month) / 12;
        var y = date.Year + 4800 - a;
        var m = date.Month + (12 * a) - 3;
        return date.Day + (((153 * m) + 2) / 5) + (365 * y) + (y / 4) - (y / 100) + (y / 400) - 32045;
    }

    internal static DateOnly FromJulianDay(int jd)
    {
        var a = jd + 32044;
        var b = ((4 * a) + 3) / 146097;
        var c = a - (b * 146097 / 4);
        var d = ((4 * c) + 3) / 1461;
        var e = c - (1461 * d / 4);
        var m = ((5 * e) + 2) / 153;
        var day = e - (((153 * m) + 2) / 5) + 1;
        var month = m + 3 - (12 * (m / 10));
        var year = (b * 100) + d - 4800 + (m / 10);
        return new DateOnly(year, month, day);
    }

    /// <summary>The Julian day number, in Vietnam time, of the k-th new moon after the epoch.</summary>
    private static int NewMoonDay(int k) => (int)Math.Floor(NewMoon(k) + 0.5 + (TimeZone / 24));

    /// <summary>The k-th new moon as a Julian day (UT).</summary>
    private static double NewMoon(int k)
    {
        const double dr = Math.PI / 180;
        var t = k / 1236.85;
        var t2 = t * t;
        var t3 = t2 * t;
        var jd = 2415020.75933 + (29.53058868 * k) + (0.0001178 * t2) - (0.000000155 * t3);
        jd += 0.00033 * Math.Sin((166.56 + (132.87 * t) - (0.009173 * t2)) * dr);
        var m = 359.2242 + (29.10535608 * k) - (0.0000333 * t2) - (0.00000347 * t3); // the Sun's mean anomaly
        var mp = 306.0253 + (385.81691806 * k) + (0.0107306 * t2) + (0.00001236 * t3); // the Moon's mean anomaly
        var f = 21.2964 + (390.67050646 * k) - (0.0016528 * t2) - (0.00000239 * t3); // the Moon's argument of latitude
        var c1 = ((0.1734 - (0.000393 * t)) * Math.Sin(m * dr)) + (0.0021 * Math.Sin(2 * dr * m))
                 - (0.4068 * Math.Sin(mp * dr)) + (0.0161 * Math.Sin(dr * 2 * mp)) - (0.0004 * Math.Sin(dr * 3 * mp))
                 + (0.0104 * Math.Sin(dr * 2 * f)) - (0.0051 * Math.Sin(dr * (m + mp))) - (0.0074 * Math.Sin(dr * (m - mp)))
                 + (0.0004 * Math.Sin(dr * ((2 * f) + m))) - (0.0004 * Math.Sin(dr * ((2 * f) - m)))
                 - (0.0006 * Math.Sin(dr * ((2 * f) + mp))) + (0.0010 * Math.Sin(dr * ((2 * f) - mp)))
                 + (0.0005 * Math.Sin(dr * ((2 * mp) + m)));
        var deltaT = t < -11
            ? 0.001 + (0.000839 * t) + (0.0002261 * t2) - (0.00000845 * t3) - (0.000000081 * t * t3)
            : -0.000278 + (0.000265 * t) + (0.000262 * t2);
        return jd + c1 - deltaT;
    }

    /// <summary>Which of the 12 sectors of 30° the Sun's longitude is in at the start of a day (Vietnam time).</summary>
    private static int SunLongitudeSector(int dayNumber)
    {
        const double dr = Math.PI / 180;
        var jd = dayNumber - 0.5 - (TimeZone / 24);
        var t = (jd - 2451545.0) / 36525;
        var t2 = t * t;
        var m = 357.52910 + (35999.05030 * t) - (0.0001559 * t2) - (0.00000048 * t * t2);
        var l0 = 280.46645 + (36000.76983 * t) + (0.0003032 * t2);
        var dl = ((1.914600 - (0.004817 * t) - (0.000014 * t2)) * Math.Sin(dr * m))
                 + ((0.019993 - (0.000101 * t)) * Math.Sin(dr * 2 * m)) + (0.000290 * Math.Sin(dr * 3 * m));
        var l = (l0 + dl) * dr;
        l -= Math.PI * 2 * Math.Floor(l / (Math.PI * 2));
        return (int)Math.Floor(l / Math.PI * 6);
    }

    /// <summary>The first day of the lunar month 11 (the month of the winter solstice) that starts in a solar year.</summary>
    private static int LunarMonth11(int year)
    {
        var offset = JulianDay(new DateOnly(year, 12, 31)) - 2415021;
        var k = (int)Math.Floor(offset / SynodicMonth);
        var newMoon = NewMoonDay(k);
        return SunLongitudeSector(newMoon) >= 9 ? NewMoonDay(k - 1) : newMoon;
    }

    /// <summary>How many months after month 11 the leap month comes, in a 13-month year.</summary>
    private static int LeapMonthOffset(int a11)
    {
        var k = (int)Math.Floor(((a11 - NewMoonEpoch) / SynodicMonth) + 0.5);
        var i = 1;
        var sector = SunLongitudeSector(NewMoonDay(k + i));
        int last;
        do
        {
            last = sector;
            i++;
            sector = SunLongitudeSector(NewMoonDay(k + i));
        }
        while (sector != last && i < 14);

        return i - 1;
    }
}
