// Home cities for people and places for in-store purchases. Coordinates let the fraud
// patterns pick a city far enough away that travel between two charges is impossible.

export interface City {
  name: string
  state: string
  lat: number
  lon: number
  areaCode: string
  /** First three digits of the city's ZIP codes. */
  zip3: string
  /** Standard-time UTC offset in hours, for plausible local shopping hours. */
  utcOffset: number
  /** Relative population weight for choosing home cities. */
  weight: number
}

const c = (
  name: string,
  state: string,
  lat: number,
  lon: number,
  areaCode: string,
  zip3: string,
  utcOffset: number,
  weight: number,
): City => ({ name, state, lat, lon, areaCode, zip3, utcOffset, weight })

export const cities: readonly City[] = [
  c('New York', 'NY', 40.71, -74.01, '212', '100', -5, 10),
  c('Los Angeles', 'CA', 34.05, -118.24, '213', '900', -8, 8),
  c('Chicago', 'IL', 41.88, -87.63, '312', '606', -6, 6),
  c('Houston', 'TX', 29.76, -95.37, '713', '770', -6, 5),
  c('Phoenix', 'AZ', 33.45, -112.07, '602', '850', -7, 4),
  c('Philadelphia', 'PA', 39.95, -75.17, '215', '191', -5, 4),
  c('San Antonio', 'TX', 29.42, -98.49, '210', '782', -6, 3),
  c('San Diego', 'CA', 32.72, -117.16, '619', '921', -8, 3),
  c('Dallas', 'TX', 32.78, -96.8, '214', '752', -6, 3),
  c('Austin', 'TX', 30.27, -97.74, '512', '787', -6, 3),
  c('Jacksonville', 'FL', 30.33, -81.66, '904', '322', -5, 2),
  c('Columbus', 'OH', 39.96, -83.0, '614', '432', -5, 2),
  c('Charlotte', 'NC', 35.23, -80.84, '704', '282', -5, 2),
  c('Indianapolis', 'IN', 39.77, -86.16, '317', '462', -5, 2),
  c('San Francisco', 'CA', 37.77, -122.42, '415', '941', -8, 3),
  c('Seattle', 'WA', 47.61, -122.33, '206', '981', -8, 3),
  c('Denver', 'CO', 39.74, -104.99, '303', '802', -7, 3),
  c('Washington', 'DC', 38.91, -77.04, '202', '200', -5, 3),
  c('Boston', 'MA', 42.36, -71.06, '617', '021', -5, 3),
  c('Nashville', 'TN', 36.16, -86.78, '615', '372', -6, 2),
  c('Detroit', 'MI', 42.33, -83.05, '313', '482', -5, 2),
  c('Portland', 'OR', 45.52, -122.68, '503', '972', -8, 2),
  c('Las Vegas', 'NV', 36.17, -115.14, '702', '891', -8, 2),
  c('Memphis', 'TN', 35.15, -90.05, '901', '381', -6, 1),
  c('Baltimore', 'MD', 39.29, -76.61, '410', '212', -5, 2),
  c('Milwaukee', 'WI', 43.04, -87.91, '414', '532', -6, 1),
  c('Albuquerque', 'NM', 35.08, -106.65, '505', '871', -7, 1),
  c('Atlanta', 'GA', 33.75, -84.39, '404', '303', -5, 3),
  c('Miami', 'FL', 25.76, -80.19, '305', '331', -5, 3),
  c('Minneapolis', 'MN', 44.98, -93.27, '612', '554', -6, 2),
  c('New Orleans', 'LA', 29.95, -90.07, '504', '701', -6, 1),
  c('Salt Lake City', 'UT', 40.76, -111.89, '801', '841', -7, 1),
  c('Anchorage', 'AK', 61.22, -149.9, '907', '995', -9, 1),
  c('Honolulu', 'HI', 21.31, -157.86, '808', '968', -10, 1),
]

export const cityWeights: readonly number[] = cities.map((city) => city.weight)

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: City, b: City): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 12_742 * Math.asin(Math.sqrt(h))
}

/** For each city, the indices of cities at least 1,500 km away (no flight in an hour covers that). */
export const farCities: readonly (readonly number[])[] = cities.map((home) =>
  cities.flatMap((other, i) => (distanceKm(home, other) >= 1500 ? [i] : [])),
)
